/**
 * Runs one harden transform as a jscodeshift transform, the way users run codemods today: the
 * jscodeshift CLI parses every file for each transform, one invocation per transform.
 * Usage: jscodeshift --no-babel -t bench/jscodeshift-adapter.cjs --transform-id=<id> --dry <paths>
 */
const { join } = require('node:path');
const { pathToFileURL } = require('node:url');

const dist = join(__dirname, '..', 'dist');
let loading;

module.exports = async function harden(file, api, options) {
  loading ??= Promise.all([
    import(pathToFileURL(join(dist, 'transforms', 'index.js')).href),
    import(pathToFileURL(join(dist, 'src', 'engine', 'project.js')).href),
  ]);
  const [{ registry }, { Project }] = await loading;
  const transform = registry.get(options.transformId || options['transform-id']);
  if (!transform) throw new Error(`unknown transform ${options.transformId}`);
  const j = api.jscodeshift;
  const root = j(file.source);
  let changed = false;
  transform.apply({
    j,
    root,
    file: { path: file.path, source: file.source, language: /\.tsx?$/.test(file.path) ? 'ts' : 'js', package: undefined },
    options: transform.options.parse({}),
    sites: { changed: () => (changed = true), skipped: () => undefined },
    request: { file: () => undefined, dependency: () => undefined },
    project: new Project(process.cwd(), []),
  });
  return changed ? root.toSource() : undefined;
};
