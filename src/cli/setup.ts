/**
 * What every run needs before it reads a source file: the root, the config (found or named), the
 * registry (built-in transforms plus the team's own), the validated chain and the discovery.
 */
import { lstatSync, realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import picomatch from 'picomatch';
import { registry as builtIn } from '../../transforms/index.js';
import type { RunInput } from '../changeset/change-sets.js';
import { presetsDirOf, resolveConfig, type LoadedConfig } from '../config/config.js';
import { loadCustomTransforms } from '../config/custom-transforms.js';
import { filesChangedSince } from '../changeset/git.js';
import { loadBaseline } from '../engine/baseline.js';
import { discover, findRoot, type Discovery } from '../engine/discover.js';
import { toRelative } from '../engine/paths.js';
import type { AnyTransform } from '../transform.js';
import { checkConfigOptions, presetSources, resolveChain, type ChainSelection } from './chain.js';
import { UsageError } from '../errors.js';
import type { Io } from './io.js';

export interface SetupOptions extends ChainSelection {
  /** `--config <path>`, or false for `--no-config`. */
  config?: string | false;
  /** `--changed-since <ref>`: process only files changed since this git ref. */
  changedSince?: string;
  /** false (`--no-baseline`, and `harden baseline` itself): ignore `.harden-baseline.json`. */
  baseline?: boolean;
}

export interface RunSetup extends RunInput {
  cwd: string;
  config: LoadedConfig | undefined;
  registry: ReadonlyMap<string, AnyTransform>;
}

export async function prepareRun(paths: readonly string[], options: SetupOptions, io: Io): Promise<RunSetup> {
  const cwd = realpathSync(io.cwd);
  for (const path of paths) {
    if (picomatch.scan(path).isGlob) continue;
    try {
      lstatSync(resolve(cwd, path));
    } catch {
      throw new UsageError(`${path}: no such file or directory`);
    }
  }
  const root = findRoot(cwd, paths[0]);
  const first = paths[0] && !picomatch.scan(paths[0]).isGlob ? resolve(cwd, paths[0]) : cwd;
  const config = await resolveConfig(options.config, first, cwd);

  let registry: ReadonlyMap<string, AnyTransform> = builtIn;
  if (config) {
    const custom = await loadCustomTransforms(config, builtIn);
    registry = new Map([...builtIn, ...custom.map((t) => [t.id, t] as const)]);
    checkConfigOptions(config.options, registry, config.label);
  }
  const chain = resolveChain(options, registry, {
    presets: presetSources(config ? presetsDirOf(config) : undefined),
    ...(config
      ? {
          label: config.label,
          ...(config.presets ? { presetNames: config.presets } : {}),
          ...(config.transforms ? { transformIds: config.transforms } : {}),
          options: config.options,
        }
      : {}),
  });
  let discovery = discover({ root, cwd, patterns: paths, ignore: config?.ignore ?? [] });
  if (options.baseline !== false) {
    let baseline;
    try {
      baseline = loadBaseline(root);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    if (baseline) discovery = { ...discovery, baseline: baseline.entries };
  }
  for (const pattern of paths) {
    const scan = picomatch.scan(pattern);
    if (!scan.isGlob) continue;
    const base = toRelative(root, resolve(cwd, scan.base || '.'));
    const isMatch = picomatch(base ? `${base}/${scan.glob}` : scan.glob, { dot: true });
    if (!discovery.files.some((file) => isMatch(file)) && !discovery.skipped.some((file) => isMatch(file.path))) {
      throw new UsageError(`no file matches "${pattern}"`, 'check the pattern (globs are relative to the working directory)');
    }
  }
  if (options.changedSince !== undefined) return { root, cwd, config, registry, chain, discovery: limitToChanged(root, discovery, options.changedSince, chain) };
  return { root, cwd, config, registry, chain, discovery };
}

/**
 * `--changed-since <ref>`: transforms run on the files changed since `ref` (and new ones), while
 * every discovered file still feeds the cross-file facts (a changed handler's callers, the
 * project's logger, the models).
 */
function limitToChanged(root: string, discovery: Discovery, ref: string, chain: RunSetup['chain']): Discovery {
  const project = chain.find((t) => t.definition.scope === 'project');
  if (project) throw new UsageError(`--changed-since does not apply to ${project.definition.id}: it rewrites a module and its importers together`);
  const changed = filesChangedSince(root, ref);
  if (!(changed instanceof Set)) throw new UsageError(`--changed-since ${ref}: ${changed.error}`);
  return { ...discovery, projectFiles: discovery.files, files: discovery.files.filter((file) => changed.has(file)) };
}
