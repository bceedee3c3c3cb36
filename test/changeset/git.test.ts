/**
 * The dirty-tree guard asks the repository that owns each file (several repositories under the
 * target, nested repositories, submodules), never passes paths on git's command line (ARG_MAX,
 * pathspec magic), and fails closed when git cannot answer.
 */
import { chownSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkDirty } from '../../src/changeset/git.js';
import { git, harden, repo } from '../support/cli.js';
import { tree } from '../support/tmp.js';

const duplicated = "import { a } from 'm';\nimport { b } from 'm';\n";
const commit = (dir: string) => git(['-c', 'user.email=t@harden', '-c', 'user.name=t', 'commit', '-qam', 'x'], dir);

describe('the repository that owns each file', () => {
  it('a target directory holding several repositories: each file is asked in its own', () => {
    const root = tree({});
    for (const name of ['a', 'b']) {
      const inner = repo({ 'x.ts': duplicated, 'y.ts': duplicated });
      git(['clone', '-q', inner, join(root, name)], root);
      writeFileSync(join(root, name, 'x.ts'), `${duplicated}// edit\n`);
    }
    const result = harden(['apply', '--transform', 'dedupe-imports'], root);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('  a/x.ts\n');
    expect(result.stderr).toContain('  b/x.ts\n');
    expect(result.stderr).not.toContain('  a/y.ts\n');
    expect(result.stderr).toContain('nothing was written');
  });

  it('a nested repository and a submodule', () => {
    const root = repo({ 'top.ts': duplicated });
    const nested = join(root, 'nested');
    mkdirSync(nested);
    writeFileSync(join(nested, 'n.ts'), duplicated);
    git(['init', '-q'], nested);
    git(['add', '-A'], nested);
    commit(nested);
    const library = repo({ 's.ts': duplicated });
    git(['-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', library, 'sub'], root);
    commit(root);
    writeFileSync(join(nested, 'n.ts'), `${duplicated}// edit\n`);
    writeFileSync(join(root, 'sub', 's.ts'), `${duplicated}// edit\n`);
    expect(checkDirty(root, ['top.ts', 'nested/n.ts', 'sub/s.ts'])).toEqual({
      dirty: ['nested/n.ts', 'sub/s.ts'],
      outsideGit: [],
      unanswered: [],
    });
  });

  it('file names that look like pathspec magic are plain names', () => {
    const root = repo({ ':!x.ts': duplicated, '*.ts': duplicated, 'y.ts': duplicated });
    writeFileSync(join(root, ':!x.ts'), `${duplicated}// edit\n`);
    writeFileSync(join(root, '*.ts'), `${duplicated}// edit\n`);
    expect(checkDirty(root, [':!x.ts', '*.ts', 'y.ts']).dirty).toEqual(['*.ts', ':!x.ts']);
    // files in one directory are asked about through that directory (one pathspec), literally
    const nested = repo({ ':(glob)d/a.ts': duplicated, ':(glob)d/b.ts': duplicated });
    writeFileSync(join(nested, ':(glob)d/a.ts'), `${duplicated}// edit\n`);
    expect(checkDirty(nested, [':(glob)d/a.ts', ':(glob)d/b.ts']).dirty).toEqual([':(glob)d/a.ts']);
  });

  it('thousands of changed files with long names (over ARG_MAX on the command line)', () => {
    const long = 'd'.repeat(200);
    const files = Object.fromEntries(Array.from({ length: 9500 }, (_, i) => [`${long}/${long.slice(0, 20)}${i}.ts`, 'x\n']));
    const root = repo(files);
    for (const path of Object.keys(files).slice(0, 10)) writeFileSync(join(root, path), 'y\n');
    const report = checkDirty(root, Object.keys(files));
    expect(report.unanswered).toEqual([]);
    expect(report.dirty).toEqual(Object.keys(files).slice(0, 10).sort());
  }, 60_000);
});

describe('fails closed when git cannot answer', () => {
  it('git is not on PATH', () => {
    const root = repo({ 'a.ts': duplicated });
    const result = harden(['apply', '--transform', 'dedupe-imports'], root, { PATH: '/nonexistent' });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('git could not tell whether a.ts has uncommitted changes: git is not on PATH; commit or pass --allow-dirty');
    expect(result.stderr).toContain('nothing was written');
    const allowed = harden(['apply', '--transform', 'dedupe-imports', '--allow-dirty'], root, { PATH: '/nonexistent' });
    expect(allowed.status).toBe(0);
  });

  it.skipIf(process.getuid?.() !== 0)('git refuses the repository (dubious ownership)', () => {
    const root = repo({ 'a.ts': duplicated, 'b.ts': duplicated });
    chownSync(root, 4321, 4321);
    const result = harden(['apply', '--transform', 'dedupe-imports'], root);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/git could not tell whether a\.ts \(and 1 other file of that repository\) has uncommitted changes: fatal: detected dubious ownership/);
    expect(result.stderr).toContain('; commit or pass --allow-dirty');
    expect(harden(['apply', '--transform', 'dedupe-imports', '--allow-dirty'], root).status).toBe(0);
  });

  it('a target in no git repository is allowed, and the summary says so (even without git)', () => {
    const root = tree({ 'a.ts': duplicated });
    const result = harden(['apply', '--transform', 'dedupe-imports'], root, { PATH: '/nonexistent' });
    expect(result.status).toBe(0);
    expect(result.stderr).toContain('note: 1 file(s) are in no git repository, so the uncommitted-changes guard cannot protect them: a.ts');
  });
});
