/**
 * End to end: the built CLI on temporary git repositories. The patch of --dry-run applies with
 * git and gives exactly what write mode writes; a second run changes nothing; exit codes follow
 * the contract (0 ok, 1 pending with --check, 2 errors, usage and refusals).
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, git, harden, repo } from '../support/cli.js';
import { tree } from '../support/tmp.js';

const duplicated = "import { a } from 'm';\nimport { b } from 'm';\nexport const c = a + b;\n";
const merged = "import { a, b } from 'm';\nexport const c = a + b;\n";

describe('harden apply', () => {
  it('prints a patch that git apply accepts and that equals what write mode writes', () => {
    const files = {
      'src/a.ts': duplicated,
      'src/crlf.ts': duplicated.replace(/\n/g, '\r\n'),
      'src/bom.js': `\uFEFF${duplicated}`,
      'src/clean.ts': merged,
    };
    const dry = repo(files);
    const result = harden(['apply', '--transform', 'dedupe-imports', '--dry-run'], dry);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^diff --git a\/src\/a.ts b\/src\/a.ts\n/);
    expect(result.stdout).not.toMatch(/\u001b\[/); // never coloured
    expect(result.stderr).toContain('dedupe-imports: 3 files would change, 3 sites changed');
    git(['apply', '--check'], dry, result.stdout);
    git(['apply'], dry, result.stdout);

    const written = repo(files);
    const write = harden(['apply', '--transform', 'dedupe-imports'], written);
    expect(write.status).toBe(0);
    expect(write.stdout).toBe('');
    for (const path of Object.keys(files)) {
      expect(readFileSync(join(written, path), 'utf8'), path).toBe(readFileSync(join(dry, path), 'utf8'));
    }
    expect(readFileSync(join(written, 'src/crlf.ts'), 'utf8')).toBe(merged.replace(/\n/g, '\r\n'));
    expect(readFileSync(join(written, 'src/bom.js'), 'utf8')).toBe(`\uFEFF${merged}`);

    git(['-c', 'user.email=t@harden', '-c', 'user.name=t', 'commit', '-qam', 'harden'], written);
    const again = harden(['apply', '--transform', 'dedupe-imports', '--dry-run'], written);
    expect(again.status).toBe(0);
    expect(again.stdout).toBe('');
  });

  it('fixes seed 003: an import repeated 14 times leaves one import of each module', () => {
    const seed = [
      ...Array.from({ length: 14 }, (_, i) =>
        [
          "import { config } from 'process';",
          i < 9 ? "import { text } from 'stream/consumers';" : '',
          i < 4 ? "import { after } from 'node:test';" : '',
        ].filter(Boolean),
      ).flat(),
      'export const x = [config, text, after];',
      '',
    ].join('\n');
    const root = repo({ 'src/services/openai-integration.ts': seed });
    const result = harden(['apply', '--transform', 'dedupe-imports', '--dry-run', 'src/services/openai-integration.ts'], root);
    expect(result.status).toBe(0);
    git(['apply'], root, result.stdout);
    expect(readFileSync(join(root, 'src/services/openai-integration.ts'), 'utf8')).toBe(
      "import { config } from 'process';\nimport { text } from 'stream/consumers';\nimport { after } from 'node:test';\n" +
        'export const x = [config, text, after];\n',
    );
  });

  it('--check exits 1 when changes are pending and 0 when there are none, writing nothing', () => {
    const root = repo({ 'a.ts': duplicated });
    const pending = harden(['apply', '--transform', 'dedupe-imports', '--check'], root);
    expect(pending.status).toBe(1);
    expect(pending.stdout).toBe('');
    expect(readFileSync(join(root, 'a.ts'), 'utf8')).toBe(duplicated);
    const clean = repo({ 'a.ts': merged });
    expect(harden(['apply', '--transform', 'dedupe-imports', '--check'], clean).status).toBe(0);
  });

  it('reports a syntax error with its location, still processes the other files, exits 2', () => {
    const root = repo({ 'bad.ts': "import { a } from 'm';\nimport { b } from 'm';\nconst = ;\n", 'good.ts': duplicated });
    const result = harden(['apply', '--transform', 'dedupe-imports'], root);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('bad.ts:3:7: syntax error');
    expect(readFileSync(join(root, 'good.ts'), 'utf8')).toBe(merged);
    expect(readFileSync(join(root, 'bad.ts'), 'utf8')).toBe("import { a } from 'm';\nimport { b } from 'm';\nconst = ;\n");
  });

  it('refuses to write into files with uncommitted changes, listing them; --allow-dirty overrides', () => {
    const root = repo({ 'a.ts': duplicated, 'b.ts': duplicated });
    writeFileSync(join(root, 'a.ts'), `${duplicated}// local edit\n`);
    const refused = harden(['apply', '--transform', 'dedupe-imports'], root);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('uncommitted changes');
    expect(refused.stderr).toContain('  a.ts\n');
    expect(refused.stderr).not.toContain('  b.ts\n');
    expect(readFileSync(join(root, 'b.ts'), 'utf8')).toBe(duplicated); // nothing at all was written
    const allowed = harden(['apply', '--transform', 'dedupe-imports', '--allow-dirty'], root);
    expect(allowed.status).toBe(0);
    expect(readFileSync(join(root, 'a.ts'), 'utf8')).toBe(`${merged}// local edit\n`);
  });

  it('does not follow a symlink that leads out of the root', () => {
    const outside = tree({ 'secret.ts': duplicated });
    const root = repo({ 'a.ts': merged });
    symlinkSync(join(outside, 'secret.ts'), join(root, 'link.ts'));
    const result = harden(['apply', '--transform', 'dedupe-imports', '--allow-dirty', '--verbose'], root);
    expect(result.status).toBe(0);
    expect(result.stderr).toContain('link.ts: symlink leading outside the root; not followed');
    expect(readFileSync(join(outside, 'secret.ts'), 'utf8')).toBe(duplicated);
  });

  it('skips a read-only file with a reason and keeps its mode and contents', () => {
    const root = repo({ 'ro.ts': duplicated, 'rw.ts': duplicated });
    chmodSync(join(root, 'ro.ts'), 0o444);
    const result = harden(['apply', '--transform', 'dedupe-imports'], root);
    expect(result.stderr).toContain('not written ro.ts: read-only file');
    expect(readFileSync(join(root, 'ro.ts'), 'utf8')).toBe(duplicated);
    expect(readFileSync(join(root, 'rw.ts'), 'utf8')).toBe(merged);
  });

  it('keeps the file mode of a written file', () => {
    const root = repo({ 'run.js': duplicated });
    chmodSync(join(root, 'run.js'), 0o755);
    git(['-c', 'user.email=t@harden', '-c', 'user.name=t', 'commit', '-qam', 'mode'], root);
    expect(harden(['apply', '--transform', 'dedupe-imports'], root).status).toBe(0);
    expect(statSync(join(root, 'run.js')).mode & 0o777).toBe(0o755);
  });
});

describe('usage errors exit 2 with a message', () => {
  const root = tree({ 'a.ts': merged });
  it.each([
    [['apply'], 'choose what to run with --preset <name> or --transform <id,...>'],
    [['apply', '--transform', 'nope'], 'unknown transform "nope"'],
    [['apply', '--preset', 'nope'], 'unknown preset "nope"'],
    [['apply', '--transform', 'dedupe-imports', '--dry-run', '--check'], 'use one of --dry-run, --check, not several'],
    [['apply', '--bogus'], "unknown option '--bogus'"],
    [['frobnicate'], "unknown command 'frobnicate'"],
    [['explain', 'nope'], 'no transform or preset named "nope"'],
    [['apply', '--transform', 'dedupe-imports', 'no-such-dir'], 'no-such-dir: no such file or directory'],
    [['apply', '--transform', 'dedupe-imports', 'a.ts', 'typo.ts'], 'typo.ts: no such file or directory'],
    [['apply', '--transform', 'dedupe-imports', 'src/**/*.ts'], 'no file matches "src/**/*.ts"'],
    [['apply', '--transform', 'dedupe-imports', '--dry-run', '-o', 'missing/dir/report.patch'], '--output missing/dir/report.patch: no such directory: missing/dir'],
  ])('harden %j', (args, message) => {
    const result = harden(args, root);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(message);
  });
});

describe('small edges of the command line', () => {
  it('a bad --output path is an error before anything is written', () => {
    const root = repo({ 'a.ts': duplicated });
    const result = harden(['apply', '--transform', 'dedupe-imports', '--format', 'json', '-o', 'nowhere/report.json'], root);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('--output nowhere/report.json: no such directory: nowhere');
    expect(result.stderr).not.toContain('internal error');
    expect(readFileSync(join(root, 'a.ts'), 'utf8')).toBe(duplicated);
    const directory = harden(['apply', '--transform', 'dedupe-imports', '--dry-run', '-o', '.'], root);
    expect([directory.status, directory.stderr]).toEqual([2, expect.stringContaining('--output .: is a directory')]);
  });

  it('a glob that matches files runs; `harden ... | head` ends quietly', () => {
    const files = Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`src/f${i}.ts`, `${duplicated}// ${'x'.repeat(400)}\n`]));
    const root = repo(files);
    const glob = harden(['apply', '--transform', 'dedupe-imports', '--check', 'src/f1*.ts'], root);
    expect(glob.status).toBe(1);
    const piped = spawnSync('bash', ['-c', `"${process.execPath}" "${BIN}" apply --transform dedupe-imports --dry-run | head -n 1; echo "status=\${PIPESTATUS[0]}" >&2`], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    });
    expect(piped.stdout).toBe('diff --git a/src/f0.ts b/src/f0.ts\n');
    expect(piped.stderr).not.toMatch(/EPIPE|Error|at .*\.js:\d+/);
    expect(piped.stderr).toContain('status=0');
    expect(piped.stderr).toContain('300 files would change');
  });
});

describe('list and explain', () => {
  const root = tree({});
  it('lists transforms and presets one line each', () => {
    const result = harden(['list'], root);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^ {2}dedupe-imports +Merge repeated imports of the same module$/m);
    expect(result.stdout).toMatch(/^ {2}mongo-express +/m);
  });
  it("explains a transform with its README and a preset with its chain", () => {
    expect(harden(['explain', 'dedupe-imports'], root).stdout).toContain('## When it refuses');
    expect(harden(['explain', 'mongo-express'], root).stdout).toContain('- dedupe-imports: seed 003');
  });
  it('prints the version and help with exit 0', () => {
    expect(harden(['--version'], root).stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    expect(harden(['apply', '--help'], root).status).toBe(0);
  });
});
