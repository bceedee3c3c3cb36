/**
 * Hostile trees for the write phase, through the built CLI: a support file whose directory is an
 * in-root symlink (the dry-run patch and write mode must agree), refused writes exit 2.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, lstatSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, git, harden, repo } from '../support/cli.js';
import { tree } from '../support/tmp.js';

const manifest = `${JSON.stringify({ name: 'app', dependencies: { express: '^5.0.0' } }, null, 2)}\n`;
const logs = "export function f(x: () => void) {\n  try {\n    x();\n  } catch (err) {\n    console.error('failed', err);\n  }\n}\n";

describe('support files and symlinked directories', () => {
  it('creates no support file through an in-root directory symlink; the dry-run patch applies and says why', () => {
    const root = repo({ 'package.json': manifest, 'src/app.ts': logs, 'src/shared/.keep': '' });
    symlinkSync('shared', join(root, 'src', 'lib'));
    git(['add', '-A'], root);
    git(['-c', 'user.email=t@harden', '-c', 'user.name=t', 'commit', '-qm', 'link'], root);

    const dry = harden(['apply', '--transform', 'console-to-logger', '--dry-run'], root);
    expect(dry.status).toBe(2);
    expect(dry.stderr).toContain('src/lib/logger.ts: a directory on the path of this support file is a symlink');
    expect(dry.stdout).not.toContain('src/lib/logger.ts');
    if (dry.stdout) git(['apply', '--check'], root, dry.stdout);

    const write = harden(['apply', '--transform', 'console-to-logger'], root);
    expect(write.status).toBe(2);
    expect(existsSync(join(root, 'src/shared/logger.ts'))).toBe(false);
    expect(readFileSync(join(root, 'src/app.ts'), 'utf8')).toBe(logs); // no import of a module that was not written
    expect(lstatSync(join(root, 'src/lib')).isSymbolicLink()).toBe(true);
  });
});

describe('a user who is not root', () => {
  // harden run as `nobody` in a directory everyone may write: replacing a file there by rename
  // would succeed, and the file would change owner
  it.skipIf(process.getuid?.() !== 0)('never replaces a file it cannot write, nor one another user owns', () => {
    const duplicated = "import { a } from 'm';\nimport { b } from 'm';\n";
    const root = tree({ 'theirs.ts': duplicated, 'shared.ts': duplicated, 'mine.ts': duplicated });
    chmodSync(root, 0o777);
    chmodSync(join(root, 'theirs.ts'), 0o644); // writable by its owner (root) only
    chmodSync(join(root, 'shared.ts'), 0o666); // writable by anyone, owned by root
    chownSync(join(root, 'mine.ts'), 65534, 65534);
    const result = spawnSync(process.execPath, [BIN, 'apply', '--transform', 'dedupe-imports'], {
      cwd: root,
      uid: 65534,
      gid: 65534,
      encoding: 'utf8',
      env: { ...process.env, HOME: root, NO_COLOR: '1' },
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('not written theirs.ts: not writable by you');
    expect(result.stderr).toContain('not written shared.ts: owned by another user (uid 0); replacing it would make it yours');
    for (const path of ['theirs.ts', 'shared.ts']) {
      expect(readFileSync(join(root, path), 'utf8'), path).toBe(duplicated);
      expect(statSync(join(root, path)).uid, path).toBe(0);
    }
    expect(readFileSync(join(root, 'mine.ts'), 'utf8')).toBe("import { a, b } from 'm';\n");
    expect(statSync(join(root, 'mine.ts')).uid).toBe(65534);
  });
});

describe('refused writes', () => {
  it('exit 2 in write mode, naming the file', () => {
    const duplicated = "import { a } from 'm';\nimport { b } from 'm';\n";
    const root = repo({ 'ro.ts': duplicated, 'rw.ts': duplicated });
    chmodSync(join(root, 'ro.ts'), 0o444);
    const result = harden(['apply', '--transform', 'dedupe-imports'], root);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('not written ro.ts: read-only file');
    expect(readFileSync(join(root, 'rw.ts'), 'utf8')).toBe("import { a, b } from 'm';\n");
  });
});
