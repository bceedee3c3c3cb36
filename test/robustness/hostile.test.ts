/**
 * Hostile input: truncated and mutated copies of every fixture, binary files, a 5 MB file, deeply
 * nested expressions, non-UTF-8 bytes, a directory symlink loop and an unreadable file. harden
 * must report each problem, finish the run, exit 2, and change no byte it did not mean to change;
 * whatever it does change must still parse.
 */
import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSource, stripBom } from '../../src/engine/parse.js';
import { harden, repo } from '../support/cli.js';

const fixtures = join(import.meta.dirname, '..', '..', 'fixtures');

/** A small deterministic PRNG so failures reproduce. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state / 0x7fffffff;
  };
}

function hostileFiles(): Record<string, string | Buffer> {
  const files: Record<string, string | Buffer> = {};
  const next = random(42);
  for (const transform of readdirSync(fixtures)) {
    if (transform === 'apps' || !statSync(join(fixtures, transform)).isDirectory()) continue;
    for (const name of readdirSync(join(fixtures, transform))) {
      const match = /^(.+)\.input\.([a-z]+)$/.exec(name);
      if (!match || statSync(join(fixtures, transform, name)).isDirectory()) continue;
      const text = readFileSync(join(fixtures, transform, name), 'utf8');
      const base = `cases/${transform}/${match[1]}`;
      files[`${base}.truncated.${match[2]}`] = text.slice(0, Math.floor(text.length * (0.2 + next() * 0.6)));
      const chars = [...text];
      for (let i = 0; i < 3; i += 1) chars[Math.floor(next() * chars.length)] = '{(;\'"`/'[Math.floor(next() * 7)]!;
      files[`${base}.mutated.${match[2]}`] = chars.join('');
      files[`${base}.intact.${match[2]}`] = text;
    }
  }
  files['binary.js'] = Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x00, 0x02, 0x01]);
  files['latin1.ts'] = Buffer.concat([Buffer.from("import { a } from 'm';\nimport { b } from 'm';\n// caf"), Buffer.from([0xe9]), Buffer.from('\n')]);
  files['huge.js'] = `import { a } from 'm';\nimport { b } from 'm';\n${'export const x = 1;\n'.repeat(5 * 1024 * 1024 / 20)}`;
  // one bracket per line, so the file is not taken for minified and really reaches the parser
  files['nested.js'] = `import { a } from 'm';\nimport { b } from 'm';\nexport const deep = ${'(\n'.repeat(20000)}1${'\n)'.repeat(20000)};\n`;
  files['nested-arrays.ts'] = `import { a } from 'm';\nimport { b } from 'm';\nexport const deep = ${'[\n'.repeat(5000)}${']\n'.repeat(5000)};\n`;
  return files;
}

/** path -> sha256 of the bytes, for every regular file (comparing 5 MB buffers with toEqual is slow). */
function snapshot(root: string): Map<string, string> {
  const all = new Map<string, string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.name === '.git' || entry.isSymbolicLink()) continue;
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) {
        try {
          all.set(relative(root, path), createHash('sha256').update(readFileSync(path)).digest('hex'));
        } catch {
          all.set(relative(root, path), '<unreadable>');
        }
      }
    }
  };
  walk(root);
  return all;
}

describe('hostile input', () => {
  it('reports every problem, finishes, exits 2 and changes only what it meant to, validly', () => {
    const root = repo(hostileFiles());
    mkdirSync(join(root, 'loop'));
    symlinkSync(join(root, 'loop'), join(root, 'loop', 'again'));
    writeFileSync(join(root, 'locked.ts'), "import { a } from 'm';\nimport { b } from 'm';\n");
    chmodSync(join(root, 'locked.ts'), 0o000);
    const before = snapshot(root);

    const dry = harden(['apply', '--preset', 'mongo-express', '--dry-run', '--allow-dirty', '--verbose', '--jobs', '1'], root);
    expect(dry.status).toBe(2);
    expect(dry.stderr).toContain('binary.js: binary file');
    expect(dry.stderr).toContain('latin1.ts: not UTF-8 text');
    expect(dry.stderr).toContain('huge.js: larger than 1024 KiB');
    expect(dry.stderr).toContain('loop/again: symlink to loop; not followed');
    expect(dry.stderr).toMatch(/nested\.js: too deeply nested to process \(\d+ levels of brackets; harden stops at 200\)/);
    expect(dry.stderr).toMatch(/nested-arrays\.ts: too deeply nested to process \(\d+ levels of brackets; harden stops at 200\)/);
    expect(dry.stderr).toMatch(/syntax error/);
    expect(dry.stderr).toMatch(/\d+ files? processed/);
    expect(snapshot(root)).toEqual(before); // dry-run writes nothing

    const write = harden(['apply', '--preset', 'mongo-express', '--allow-dirty', '--jobs', '1'], root);
    expect(write.status).toBe(2);
    const after = snapshot(root);
    const changed = [...after.keys()].filter((path) => before.get(path) !== after.get(path));
    for (const path of changed) {
      // only files whose patch the dry run showed, or files it created
      expect(dry.stdout, path).toContain(`b/${path}\n`);
      if (/\.(c|m)?[jt]sx?$/.test(path)) expect(() => parseSource(stripBom(readFileSync(join(root, path), 'utf8')), path), path).not.toThrow();
    }
    for (const path of before.keys()) expect(after.has(path), `${path} still exists`).toBe(true);
  });
});
