import { readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { registry } from '../../transforms/index.js';
import { discover } from '../../src/engine/discover.js';
import { run } from '../../src/changeset/run.js';
import { applicableTransforms, type ResolvedTransform } from '../../src/engine/run-file.js';
import { Project } from '../../src/engine/project.js';
import { defineTransform } from '../../src/transform.js';
import { z } from 'zod';
import { breaksSyntax, chainOf, keepsNodes, prependsStatement, projectWide, redeclares, renamesCarelessly, requestsSupport, throws } from '../support/transforms.js';
import { tree } from '../support/tmp.js';

function runOn(root: string, chain: ResolvedTransform[], patterns: string[] = ['.']) {
  return run({ root, discovery: discover({ root, cwd: root, patterns }), chain });
}

const manifest = `${JSON.stringify({ name: 'app', version: '1.0.0', dependencies: { express: '^5.0.0' } }, null, 2)}\n`;

describe('support requests', () => {
  it('creates a requested file and dependency once, however many files ask', () => {
    const root = tree({
      'package.json': manifest,
      'src/a.ts': "console.error('a');\n",
      'src/b.ts': "console.error('b');\nconsole.error('skip me');\n",
    });
    const changeset = runOn(root, chainOf(requestsSupport));
    expect(changeset.errors).toEqual([]);
    expect(changeset.changes.map((c) => [c.path, c.kind])).toEqual([
      ['package.json', 'manifest'],
      ['src/a.ts', 'source'],
      ['src/b.ts', 'source'],
      ['src/lib/log.ts', 'support-file'],
    ]);
    const pkg = changeset.changes.find((c) => c.path === 'package.json')!;
    expect(pkg.after).toBe(
      `${JSON.stringify({ name: 'app', version: '1.0.0', dependencies: { express: '^5.0.0', pino: '^10.4.0' } }, null, 2)}\n`,
    );
    const log = changeset.changes.find((c) => c.path === 'src/lib/log.ts')!;
    expect(log.before).toBeUndefined();
    expect(log.requestedBy).toHaveLength(2);
    const sites = changeset.outcomes.flatMap((o) => o.sites);
    expect(sites.filter((s) => s.kind === 'skipped').map((s) => [s.file, s.line, s.reason])).toEqual([['src/b.ts', 2, 'in-test']]);
  });

  it('never overwrites a differing support file, and leaves out the edits that need it', () => {
    const root = tree({
      'package.json': `${JSON.stringify({ name: 'app', devDependencies: { pino: '^9.0.0' } })}\n`,
      'src/a.ts': "console.error('a');\n",
      'src/lib/log.ts': 'export const log = other;\n',
    });
    const changeset = runOn(root, chainOf(requestsSupport));
    expect(changeset.changes.map((c) => c.path)).toEqual([]);
    expect(changeset.errors).toEqual([
      {
        path: 'src/lib/log.ts',
        message:
          'support file already exists with different contents; harden will not overwrite it; the changes that need it were left out',
      },
    ]);
    expect(changeset.outcomes.find((o) => o.path === 'src/a.ts')!.status).toBe('unchanged');
  });

  it('puts support files and dependencies in the workspace package that owns the file', () => {
    const root = tree({
      'package.json': `${JSON.stringify({ name: 'mono', private: true, workspaces: ['packages/*'] }, null, 2)}\n`,
      'packages/api/package.json': manifest,
      'packages/api/src/a.ts': "console.error('a');\n",
    });
    const changeset = runOn(root, chainOf(requestsSupport));
    expect(changeset.changes.map((c) => c.path)).toEqual([
      'packages/api/package.json',
      'packages/api/src/a.ts',
      'packages/api/src/lib/log.ts',
    ]);
  });
});

describe('declared dependencies', () => {
  it('are not added again', () => {
    const root = tree({
      'package.json': `${JSON.stringify({ name: 'app', devDependencies: { pino: '^9.0.0' } })}\n`,
      'src/a.ts': "console.error('a');\n",
    });
    const changeset = runOn(root, chainOf(requestsSupport));
    expect(changeset.errors).toEqual([]);
    expect(changeset.changes.map((c) => c.path)).toEqual(['src/a.ts', 'src/lib/log.ts']);
  });
});

describe('failures stay with their file', () => {
  it('reports a transform that throws and leaves that file alone; other files still run', () => {
    const root = tree({ 'a.ts': 'const a = 1;\n', 'b.ts': 'const b = 2;\n' });
    const changeset = runOn(root, chainOf(throws));
    expect(changeset.changes).toEqual([]);
    expect(changeset.errors.map((e) => e.path)).toEqual(['a.ts', 'b.ts']);
    expect(changeset.errors[0]!.message).toContain('transform test-throws failed: boom');
  });

  it('never accepts output that does not re-parse', () => {
    const root = tree({ 'a.ts': 'const a = 1;\n' });
    const changeset = runOn(root, chainOf(breaksSyntax));
    expect(changeset.changes).toEqual([]);
    expect(changeset.errors[0]!.message).toMatch(/internal error: output of test-breaks-syntax does not parse/);
  });

  it('reads the output as it reads any file: an edit that moves a leading `// @flow` down makes Flow annotations a syntax error', () => {
    const root = tree({
      'package.json': `${JSON.stringify({ name: 'api' })}\n`,
      'a.js': '// @flow\nconst x: number = 1;\nmodule.exports = x;\n',
      'b.js': '// @flow\nconst y = 1;\nmodule.exports = y;\n',
    });
    const changeset = runOn(root, chainOf(prependsStatement));
    // printing parsed its text as Flow (the source's pragma): its answer is not the one that counts
    expect(changeset.errors.map((e) => [e.path, e.message])).toEqual([['a.js', expect.stringMatching(/^internal error: output of test-prepends-statement does not parse/)]]);
    expect(changeset.changes.map((c) => [c.path, c.after])).toEqual([['b.js', 'const injected = 1;\n// @flow\nconst y = 1;\nmodule.exports = y;\n']]);
  });

  it('never accepts output that redeclares a binding the file did not (printing saw the error Babel recovered from)', () => {
    const root = tree({ 'a.js': 'let a = 1;\nmodule.exports = a;\n', 'b.js': 'var b = 1;\nmodule.exports = b;\n' });
    const changeset = runOn(root, chainOf(redeclares));
    // `var b` twice is allowed JavaScript; `let a` then `var a` is not
    expect(changeset.errors.map((e) => [e.path, e.message])).toEqual([['a.js', 'output of test-redeclares redeclares a binding; the file was left unchanged']]);
    expect(changeset.changes.map((c) => [c.path, c.after])).toEqual([['b.js', 'var b = 1;\nvar b = 2;\nmodule.exports = b;\n']]);
  });

  it('ends the analysis pass at its first accepted change, also when the transform catches what ends it', () => {
    for (const wrap of [false, true]) {
      const root = tree({ 'a.js': 'const x = 1;\nconsole.log(x, x);\n', 'b.js': 'const z = 1;\n' });
      const { transform, calls } = renamesCarelessly(wrap);
      const changeset = runOn(root, chainOf(transform));
      expect(changeset.errors).toEqual([]);
      expect(changeset.changes.map((c) => [c.path, c.after])).toEqual([['a.js', 'const y = 1;\nconsole.log(y, y);\n']]);
      expect(changeset.outcomes.flatMap((o) => o.sites).filter((s) => s.kind === 'changed')).toHaveLength(3);
      // the edit pass asks three times; the analysis pass once when the signal ends the transform
      // (thrown again, wrapped), three times when the transform swallows it and goes on
      expect(calls.changed).toBe(wrap ? 4 : 6);
    }
  });

  it('asks a prefilter several transforms share once per file, after each one\'s needs', () => {
    const asked: string[] = [];
    const shared = (source: string, file: { path: string }) => {
      asked.push(file.path);
      return source.includes('yes');
    };
    const withPrefilter = (id: string, needs: string[]) => ({ ...defineTransform({ id, title: id, description: id, seed: { review: '000', finding: 'x' }, skipReasons: {}, needs, scope: 'file', options: z.object({}), apply() {} }), prefilter: shared });
    const chain = chainOf(withPrefilter('test-a', ['find']), withPrefilter('test-b', ['find']), withPrefilter('test-c', ['absent']));
    const project = new Project(tree({ 'a.js': 'find yes', 'b.js': 'find no' }), ['a.js', 'b.js']);
    expect(applicableTransforms(chain, 'a.js', 'find yes', project).map((t) => t.definition.id)).toEqual(['test-a', 'test-b']);
    expect(applicableTransforms(chain, 'b.js', 'find no', project)).toEqual([]);
    expect(asked).toEqual(['a.js', 'b.js']);
  });

  it('with HARDEN_CHECK_DISCARD=1, a transform reading a node of a file harden is done with fails on the file it reads it in', () => {
    // a.ts unchanged: the node kept is of its analysis pass; changed: of its printed edit pass
    const unchanged = tree({ 'a.ts': 'const a = 1;\n', 'b.ts': 'const b = 2;\n' });
    const changed = tree({ 'a.ts': 'const x = 1;\n', 'b.ts': 'const b = 2;\n' });
    const failure = [['b.ts', expect.stringMatching(/^transform test-keeps-nodes failed: a node of a file harden is done with was read \(HARDEN_CHECK_DISCARD\)/)]];
    const before = process.env.HARDEN_CHECK_DISCARD;
    try {
      delete process.env.HARDEN_CHECK_DISCARD;
      expect(runOn(unchanged, chainOf(keepsNodes())).errors).toEqual([]); // unchecked: it reads an emptied tree
      expect(runOn(changed, chainOf(keepsNodes())).errors).toEqual([]);
      process.env.HARDEN_CHECK_DISCARD = '1';
      expect(runOn(unchanged, chainOf(keepsNodes())).errors.map((e) => [e.path, e.message])).toEqual(failure);
      const printed = runOn(changed, chainOf(keepsNodes()));
      expect(printed.errors.map((e) => [e.path, e.message])).toEqual(failure);
      expect(printed.changes.map((c) => [c.path, c.after])).toEqual([['a.ts', 'const y = 1;\n']]);
    } finally {
      if (before === undefined) delete process.env.HARDEN_CHECK_DISCARD;
      else process.env.HARDEN_CHECK_DISCARD = before;
    }
  });

  it('reports a syntax error with its location and processes the other files', () => {
    const root = tree({
      'bad.ts': "import { a } from 'm';\nimport { b } from 'm';\nconst x = (;\n",
      'good.ts': "import { a } from 'm';\nimport { b } from 'm';\n",
    });
    const changeset = runOn(root, chainOf(registry.get('dedupe-imports')!));
    expect(changeset.errors).toEqual([{ path: 'bad.ts', message: 'syntax error: Unexpected token', line: 3, column: 12 }]);
    expect(changeset.changes.map((c) => c.path)).toEqual(['good.ts']);
  });

  it('accepts a redeclared binding (what dedupe-imports repairs) and nothing else', () => {
    const root = tree({ 'a.ts': "import { a } from 'm';\nimport { a } from 'm';\nlet y = 1;\nlet y = 2;\n" });
    const changeset = runOn(root, chainOf(registry.get('dedupe-imports')!));
    expect(changeset.errors).toEqual([]);
    expect(changeset.changes[0]!.after).toBe("import { a } from 'm';\nlet y = 1;\nlet y = 2;\n");
  });
});

describe('byte fidelity', () => {
  const dedupe = () => chainOf(registry.get('dedupe-imports')!);

  it('keeps CRLF, BOM and a missing final newline', () => {
    const text = "\uFEFFimport { a } from 'm';\r\nimport { b } from 'm';\r\nexport const c = a + b;";
    const root = tree({ 'a.ts': text });
    const [change] = runOn(root, dedupe()).changes;
    expect(change!.after).toBe("\uFEFFimport { a, b } from 'm';\r\nexport const c = a + b;");
  });

  it('keeps every line outside the edited site byte-identical', () => {
    const body = [
      '/* license */',
      "import { a } from 'm';",
      "import   {b}   from   'm'",
      '',
      'export function   weird ( x ){',
      "\treturn  x+a+b // trailing",
      '}',
      '',
    ];
    const root = tree({ 'a.js': body.join('\n') });
    const [change] = runOn(root, dedupe()).changes;
    const after = change!.after.split('\n');
    expect(after[1]).toBe("import { a, b } from 'm';");
    expect([after[0], ...after.slice(2)]).toEqual([body[0], ...body.slice(3)]);
  });

  it('keeps a shebang and a directive prologue exactly', () => {
    const text = "#!/usr/bin/env node\n'use strict'\n\n// lead\nconst a = require('a');\nconst a = require('a');\nmain(a);\n";
    const root = tree({ 'cli.js': text });
    const [change] = runOn(root, dedupe()).changes;
    expect(change!.after).toBe("#!/usr/bin/env node\n'use strict'\n\n// lead\nconst a = require('a');\nmain(a);\n");
  });

  it('never prints a file without a changed site', () => {
    const root = tree({ 'a.ts': "import {a} from 'm'\nimport type {B} from 'm'\nexport const x: B = a\n" });
    const changeset = runOn(root, dedupe());
    expect(changeset.changes).toEqual([]);
    expect(changeset.outcomes.map((o) => o.status)).toEqual(['unchanged']);
  });
});

describe('project-level transforms', () => {
  it('run over the current texts after file-level ones and may write new files', () => {
    const root = tree({
      'src/a.ts': "import { a } from 'm';\nimport { b } from 'm';\n// TODO\n",
      'src/b.ts': 'export const b = 1;\n',
    });
    const changeset = runOn(root, chainOf(registry.get('dedupe-imports')!, projectWide));
    expect(changeset.errors).toEqual([]);
    const byPath = Object.fromEntries(changeset.changes.map((c) => [c.path, c]));
    expect(byPath['src/a.ts']!.after).toBe("import { a, b } from 'm';\n// TODO\n// marked\n");
    expect(byPath['src/a.ts']!.sites.map((s) => s.transform)).toEqual(['dedupe-imports', 'test-project-wide']);
    expect(byPath['src/marked.ts']!.before).toBeUndefined();
    expect(byPath['src/b.ts']).toBeUndefined();
  });
});

describe('discovery', () => {
  it('respects nested .gitignore and .hardenignore and always skips dependencies and build output', () => {
    const root = tree({
      '.gitignore': 'generated/\n',
      '.hardenignore': 'legacy/**\n',
      'src/.gitignore': 'local.ts\n',
      'src/app.ts': '',
      'src/local.ts': '',
      'src/types.d.ts': '',
      'generated/x.ts': '',
      'legacy/old.js': '',
      'node_modules/dep/index.js': '',
      'dist/app.js': '',
      'coverage/x.js': '',
      'public/vendor.min.js': '',
      'README.md': '',
    });
    const discovery = discover({ root, cwd: root, patterns: ['.'] });
    expect(discovery.files).toEqual(['src/app.ts']);
    expect(discovery.skipped.map((s) => s.path)).toEqual(['public/vendor.min.js', 'src/types.d.ts']);
  });

  it('takes globs relative to the working directory', () => {
    const root = tree({ 'src/a.ts': '', 'src/b.js': '', 'src/sub/c.ts': '', 'test/d.ts': '' });
    const discovery = discover({ root, cwd: join(root, 'src'), patterns: ['**/*.ts'] });
    expect(discovery.files).toEqual(['src/a.ts', 'src/sub/c.ts']);
  });

  it('never follows a symlink, and says so', () => {
    const outside = tree({ 'secret.ts': "import { a } from 'm';\nimport { b } from 'm';\n" });
    const root = tree({ 'src/a.ts': '' });
    symlinkSync(join(outside, 'secret.ts'), join(root, 'src', 'link.ts'));
    symlinkSync(outside, join(root, 'linked-dir'));
    const discovery = discover({ root, cwd: root, patterns: ['.'] });
    expect(discovery.files).toEqual(['src/a.ts']);
    expect(discovery.skipped).toEqual([
      { path: 'linked-dir', reason: 'symlink leading outside the root; not followed' },
      { path: 'src/link.ts', reason: 'symlink leading outside the root; not followed' },
    ]);
  });
});

describe('content checks', () => {
  it('skips binary, non-UTF-8, huge, generated and minified files with a reason', () => {
    const root = tree({
      'bin.js': Buffer.from([0x63, 0x6f, 0x00, 0x01]),
      'latin1.js': Buffer.from([0x2f, 0x2f, 0xe9, 0x0a]),
      'huge.js': `// ${'x'.repeat(1024 * 1024)}\n`,
      'gen.ts': '// @generated by protoc\nexport const a = 1;\n',
      'min.js': `var a=1;${'b=2;'.repeat(4000)}\n`,
    });
    const changeset = runOn(root, chainOf(registry.get('dedupe-imports')!));
    expect(Object.fromEntries(changeset.outcomes.map((o) => [o.path, o.message]))).toEqual({
      'bin.js': 'binary file',
      'gen.ts': 'generated file (@generated header)',
      'huge.js': 'larger than 1024 KiB',
      'latin1.js': 'not UTF-8 text',
      'min.js': 'minified file (very long lines)',
    });
    expect(changeset.errors).toEqual([]);
  });

  it('reads nothing it does not need: the prefilter skips parsing', () => {
    const root = tree({ 'a.ts': 'const x = (;\n' });
    const changeset = runOn(root, chainOf(registry.get('dedupe-imports')!));
    expect(changeset.errors).toEqual([]);
    expect(readFileSync(join(root, 'a.ts'), 'utf8')).toBe('const x = (;\n');
  });
});

describe('the prefilter', () => {
  it('parses only files some transform could change', async () => {
    const { importsSomeModuleTwice } = await import('../../transforms/dedupe-imports/index.js');
    expect(importsSomeModuleTwice("import { a } from 'm';\nimport { b } from 'n';\n")).toBe(false);
    expect(importsSomeModuleTwice("import { a } from 'm';\nimport /* again */ { b } from 'm';\n")).toBe(true);
    expect(importsSomeModuleTwice("import 'x';\nconst y = require('x');\n")).toBe(true);
    expect(importsSomeModuleTwice("import { a } from\n  // why\n  'm';\nimport b from 'm';\n")).toBe(true);
  });
});

describe('site locations', () => {
  it('are found from offsets when recast dropped a node location (exported declarations)', async () => {
    const { defineTransform } = await import('../../src/transform.js');
    const { z } = await import('zod');
    const marksFunctions = defineTransform({
      id: 'test-marks-functions',
      title: 'Test transform',
      description: 'Reports every function declaration.',
      seed: { review: '004', finding: 'x' },
      skipReasons: { seen: 'seen' },
      needs: [],
      scope: 'file',
      options: z.object({}),
      apply({ j, root, sites }) {
        root.find(j.FunctionDeclaration).forEach((path: any) => {
          sites.skipped(path.node, 'seen');
          if (path.node.id.name === 'f' && sites.changed(path.node, 'renamed')) path.node.id.name = 'g';
        });
      },
    });
    const root = tree({ 'a.ts': 'const x = 1;\nexport function f() {}\n\nexport default function h() {}\n' });
    const changeset = runOn(root, chainOf(marksFunctions));
    expect(changeset.outcomes[0]!.sites.map((s) => [s.kind, s.line, s.column])).toEqual([
      ['skipped', 2, 8],
      ['changed', 2, 8],
      ['skipped', 4, 16],
    ]);
  });
});

describe('the edit pass', () => {
  it('does not run again the transforms ahead of the first change that changed nothing and asked for nothing', async () => {
    const { defineTransform } = await import('../../src/transform.js');
    const { z } = await import('zod');
    const runs: string[] = [];
    const watcher = (id: string, asks: boolean) =>
      defineTransform({
        id,
        title: 'Test transform',
        description: 'Reports every console.error call, changes nothing.',
        seed: { review: '002', finding: 'x' },
        skipReasons: { seen: 'seen' },
        needs: [],
        scope: 'file',
        options: z.object({}),
        apply({ j, root, sites, request }) {
          runs.push(`${id} ${root.get().node.tokens ? 'edit' : 'analysis'}`);
          root.find(j.CallExpression, { callee: { object: { name: 'console' } } }).forEach((path: any) => sites.skipped(path.node, 'seen'));
          if (asks) request.dependency('left-pad', '^1.0.0');
        },
      });
    const root = tree({ 'package.json': manifest, 'src/a.ts': "console.error('a');\n" });
    const changeset = runOn(root, chainOf(watcher('test-first', false), watcher('test-asks', true), requestsSupport, watcher('test-after', false)));
    expect(changeset.errors).toEqual([]);
    expect(changeset.outcomes.find((o) => o.path === 'src/a.ts')).toMatchObject({ status: 'changed' });
    // the first ran once; the one that asked for a dependency (its ask is kept) and everything from the change on ran again
    // (then the requested support file src/lib/log.ts goes through the chain: it changes nothing)
    expect(runs.slice(0, 4)).toEqual(['test-first analysis', 'test-asks analysis', 'test-asks edit', 'test-after edit']);
    const sites = changeset.outcomes.find((o) => o.path === 'src/a.ts')!.sites;
    expect(sites.map((s) => [s.transform, s.kind])).toEqual([
      ['test-first', 'skipped'],
      ['test-asks', 'skipped'],
      ['test-requests-support', 'changed'],
    ]); // (test-after finds no console call left)
  });
});

describe('scope analysis', () => {
  it('copes with an optional catch binding (ast-types would crash on it)', () => {
    const root = tree({
      'db.js':
        "const mongoose = require('mongoose');\nasync function main() {\n  try { JSON.parse('x'); } catch { /* ignore */ }\n" +
        "  await mongoose.connect(process.env.MONGO_URL);\n}\nmodule.exports = main;\n",
    });
    const changeset = runOn(root, chainOf(registry.get('mongoose-pool-options')!));
    expect(changeset.errors).toEqual([]);
    expect(changeset.changes.map((c) => c.path)).toEqual(['db.js']);
  });
});
