/**
 * The tree changes while harden writes: a user's edit, a symlink swapped in for a file or for a
 * directory, a file owned by someone else. Each check must hold immediately before each file's own
 * rename, not once before the first write. The hook is the interrupt poll, which the write phase
 * calls before every file, after the checks made for all files.
 */
import { chownSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Changeset, FileChange } from '../../src/changeset/changeset.js';
import { findRefusals, writeChangeset, writeOrder } from '../../src/changeset/write.js';
import { main } from '../../src/cli/program.js';
import { repo } from '../support/cli.js';
import { tree } from '../support/tmp.js';

const duplicated = "import { a } from 'm';\nimport { b } from 'm';\n";
const merged = "import { a, b } from 'm';\n";

/**
 * Runs `harden apply --transform dedupe-imports` in-process; `hook` runs at every interrupt poll
 * (between files, in analysis and in writes) and decides from the disk what to do.
 */
async function applyWith(root: string, hook: () => void, args: string[] = []) {
  let stderr = '';
  const code = await main(['apply', '--transform', 'dedupe-imports', '--jobs', '1', ...args], {
    cwd: root,
    stdout: { write: () => true } as unknown as NodeJS.WritableStream,
    stderr: { write: (s: string) => ((stderr += s), true) } as unknown as NodeJS.WritableStream,
    interrupted: () => {
      hook();
      return false;
    },
  });
  return { code, stderr };
}

function change(path: string, before: string | undefined, after: string, extra: Partial<FileChange> = {}): FileChange {
  return { path, before, after, sites: [], requestedBy: [], kind: 'source', ...extra };
}

function changesetOf(root: string, changes: FileChange[]): Changeset {
  return { root, transforms: [], outcomes: [], changes, errors: [] };
}

const written = (root: string, path: string) => readFileSync(join(root, path), 'utf8') === merged;

/** Runs `act` once, the first time `when` holds. */
function once(when: () => boolean, act: () => void): () => void {
  let done = false;
  return () => {
    if (!done && when()) {
      done = true;
      act();
    }
  };
}

const site = (id: string, file: string) => ({ id, transform: 't', file, kind: 'changed' as const, line: 1, column: 1, endLine: 1, endColumn: 1 });

describe('writes while the tree changes', () => {
  it('never overwrites a file the user edited during the write phase; names it and exits 2', async () => {
    const files = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`f${String(i).padStart(2, '0')}.ts`, duplicated]));
    const root = repo(files);
    const edited = `${duplicated}// the user's edit\n`;
    const name = (i: number) => `f${String(i).padStart(2, '0')}.ts`;
    // once harden has written f(i-1), the user edits f(i), which harden checked but has not written yet
    const edits = Array.from({ length: 10 }, (_, k) => 2 * k + 2)
      .filter((i) => i < 20)
      .map((i) => once(() => written(root, name(i - 1)), () => writeFileSync(join(root, name(i)), edited)));
    const { code, stderr } = await applyWith(root, () => edits.forEach((edit) => edit()));
    expect(code).toBe(2);
    for (let i = 0; i < 20; i += 1) {
      const path = `f${String(i).padStart(2, '0')}.ts`;
      const text = readFileSync(join(root, path), 'utf8');
      if (i % 2 === 0 && i > 0) {
        expect(text, path).toBe(edited);
        expect(stderr).toContain(`not written ${path}: changed on disk since harden read it; not overwritten`);
      } else expect(text, path).toBe(merged);
    }
  });

  it('refuses a target swapped for a symlink during the write phase and writes nothing outside the root', async () => {
    const outside = tree({ 'secret.ts': duplicated });
    const root = repo({ 'a.ts': duplicated, 'b.ts': duplicated });
    const { code, stderr } = await applyWith(
      root,
      once(() => written(root, 'a.ts'), () => {
        renameSync(join(root, 'b.ts'), join(root, 'b.moved'));
        symlinkSync(join(outside, 'secret.ts'), join(root, 'b.ts'));
      }),
    );
    expect(code).toBe(2);
    expect(stderr).toContain('not written b.ts: is a symlink; harden does not write through symlinks');
    expect(readFileSync(join(outside, 'secret.ts'), 'utf8')).toBe(duplicated);
    expect(lstatSync(join(root, 'b.ts')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(root, 'a.ts'), 'utf8')).toBe(merged);
  });

  it('refuses when a parent directory is swapped for a symlink during the write phase', async () => {
    const outside = tree({ 'x.ts': duplicated });
    const inside = tree({});
    const root = repo({ 'a.ts': duplicated, 'sub/x.ts': duplicated });
    const { code, stderr } = await applyWith(
      root,
      once(() => written(root, 'a.ts'), () => {
        renameSync(join(root, 'sub'), join(inside, 'sub-moved'));
        symlinkSync(outside, join(root, 'sub'));
      }),
    );
    expect(code).toBe(2);
    expect(stderr).toContain('not written sub/x.ts: leads outside the root through a symlink');
    expect(readFileSync(join(outside, 'x.ts'), 'utf8')).toBe(duplicated);
    expect(readdirSync(outside)).toEqual(['x.ts']); // no temp file left there either
  });

  it('refuses a directory swapped for a symlink that stays inside the root', async () => {
    const root = repo({ 'a.ts': duplicated, 'sub/x.ts': duplicated, 'other/x.ts': duplicated });
    const { stderr } = await applyWith(
      root,
      once(() => written(root, 'a.ts'), () => {
        renameSync(join(root, 'sub'), join(root, 'sub-moved'));
        symlinkSync(join(root, 'other'), join(root, 'sub'));
      }),
    );
    expect(stderr).toContain('not written sub/x.ts: a directory on its path is a symlink; harden does not write through symlinks');
    expect(readFileSync(join(root, 'other/x.ts'), 'utf8')).toBe(merged); // written at its own path only
  });

  it('refuses a file replaced by another file (same bytes, new inode) during the write phase', async () => {
    const root = repo({ 'a.ts': duplicated, 'b.ts': duplicated });
    const { stderr } = await applyWith(
      root,
      once(() => written(root, 'a.ts'), () => {
        writeFileSync(join(root, 'b.new'), duplicated);
        renameSync(join(root, 'b.new'), join(root, 'b.ts'));
      }),
    );
    expect(stderr).toContain('not written b.ts: was replaced by another file since harden checked it');
    expect(readFileSync(join(root, 'b.ts'), 'utf8')).toBe(duplicated);
  });
});

describe('what is written first', () => {
  it('writes support files and manifests before the sources that import them', async () => {
    const changes = [
      change('a.ts', 'a\n', "import { log } from './lib/log';\n", { sites: [site('s1', 'a.ts')] }),
      change('lib/log.ts', undefined, 'export const log = console;\n', { kind: 'support-file', requestedBy: ['s1'] }),
      change('package.json', '{}\n', '{"dependencies":{"pino":"1"}}\n', { kind: 'manifest', requestedBy: ['s1'] }),
    ];
    expect(writeOrder(changes).map((c) => c.path)).toEqual(['lib/log.ts', 'package.json', 'a.ts']);
    const root = tree({ 'a.ts': 'a\n', 'package.json': '{}\n' });
    let polls = 0;
    const result = await writeChangeset(changesetOf(root, changes), new Set(), () => ++polls > 2);
    expect(result.written).toEqual(['lib/log.ts', 'package.json']);
    expect(result.unwritten).toEqual(['a.ts']);
    expect(readFileSync(join(root, 'a.ts'), 'utf8')).toBe('a\n');
  });

  it('does not write a source whose support file could not be written at write time', async () => {
    const root = tree({ 'a.ts': 'a\n' });
    const changes = [
      change('a.ts', 'a\n', "import { log } from './lib/log';\n", { sites: [site('s1', 'a.ts')] }),
      change('lib/log.ts', undefined, 'export const log = console;\n', { kind: 'support-file', requestedBy: ['s1'] }),
    ];
    // the support file's path is taken after the checks and before its write
    const result = await writeChangeset(changesetOf(root, changes), new Set(), () => {
      mkdirSync(join(root, 'lib'), { recursive: true });
      if (!existsSync(join(root, 'lib/log.ts'))) writeFileSync(join(root, 'lib/log.ts'), 'mine\n');
      return false;
    });
    expect(result.written).toEqual([]);
    expect(result.refused.map((r) => r.path)).toEqual(['lib/log.ts', 'a.ts']);
    expect(readFileSync(join(root, 'lib/log.ts'), 'utf8')).toBe('mine\n');
    expect(readFileSync(join(root, 'a.ts'), 'utf8')).toBe('a\n');
  });

  it('refuses a support file whose directory is an in-root symlink', () => {
    const root = tree({ 'a.ts': 'a\n', 'shared/.keep': '' });
    symlinkSync(join(root, 'shared'), join(root, 'lib'));
    const changes = [
      change('a.ts', 'a\n', "import { log } from './lib/log';\n", { sites: [site('s1', 'a.ts')] }),
      change('lib/log.ts', undefined, 'export const log = console;\n', { kind: 'support-file', requestedBy: ['s1'] }),
    ];
    expect(findRefusals(changesetOf(root, changes))).toEqual([
      { path: 'lib/log.ts', reason: 'a directory on its path is a symlink; harden does not write through symlinks' },
      { path: 'a.ts', reason: 'needs a support file or dependency that cannot be written' },
    ]);
  });
});

describe('permissions and owners', () => {
  it("refuses a file owned by another user when not root (replacing it would change its owner)", () => {
    const root = tree({ 'a.ts': 'a\n' });
    const owner = statSync(join(root, 'a.ts')).uid;
    const refusals = findRefusals(changesetOf(root, [change('a.ts', 'a\n', 'b\n')]), { uid: owner + 1 });
    expect(refusals).toEqual([{ path: 'a.ts', reason: `owned by another user (uid ${owner}); replacing it would make it yours` }]);
  });

  it.skipIf(process.getuid?.() !== 0)('as root, keeps the owner, group and mode of a file it replaces', async () => {
    const root = tree({ 'a.ts': 'a\n' });
    chownSync(join(root, 'a.ts'), 4321, 4322);
    const result = await writeChangeset(changesetOf(root, [change('a.ts', 'a\n', 'b\n')]), new Set(), () => false);
    expect(result.written).toEqual(['a.ts']);
    const stat = statSync(join(root, 'a.ts'));
    expect([stat.uid, stat.gid, readFileSync(join(root, 'a.ts'), 'utf8')]).toEqual([4321, 4322, 'b\n']);
  });
});
