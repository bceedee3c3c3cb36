/**
 * Issue 14's first example, as a user meets it: `harden apply --preset mongo-express` writes an app
 * whose limiters and log calls sit near the top of app.js (one inside a `try { dotenv } catch`) and
 * whose last require is far below them. The rewritten app must still load — `node -e
 * "require('./src/app.js')"` runs past the limiter and logger lines — with no Redis and no MongoDB
 * running, and the process must exit by itself (the generated Redis client connects lazily and does
 * not hold the event loop; nothing else is opened at import).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { git, harden } from '../support/cli.js';
import { tree } from '../support/tmp.js';

const repo = join(import.meta.dirname, '..', '..');

describe('an app shaped like the first broken example, after harden apply', () => {
  it('loads past the limiter and logger lines without Redis or MongoDB, and exits', () => {
    const dir = tree({});
    cpSync(join(repo, 'test', 'integration', 'boot-app'), dir, { recursive: true });
    git(['init', '-q'], dir);
    git(['add', '-A'], dir);
    git(['-c', 'user.email=t@harden', '-c', 'user.name=t', 'commit', '-qm', 'init'], dir);
    symlinkSync(join(repo, 'node_modules'), join(dir, 'node_modules'), 'dir');

    const run = harden(['apply', '--preset', 'mongo-express', '.'], dir);
    expect(run.status, run.stdout + run.stderr).toBe(0);
    const app = readFileSync(join(dir, 'src/app.js'), 'utf8');
    // the rewrites this test is about happened
    expect(app).toMatch(/store: redisStore\(/);
    expect(app).not.toContain("console.log('Rate limiters ready')");
    // the inserted requires come before their first use
    const firstUse = (name: string) => app.search(new RegExp(`\\b${name}\\b(?!\\s*[}:]\\s*=\\s*require)`));
    expect(app.indexOf('redisStore } = require(')).toBeGreaterThan(-1);
    expect(app.indexOf('redisStore } = require(')).toBeLessThan(app.indexOf('store: redisStore('));
    expect(app.indexOf('logger } = require(')).toBeLessThan(app.search(/\blogger\.(warn|info|error)\(/));
    expect(firstUse('logger')).toBeGreaterThan(-1);

    const env = { ...process.env, REDIS_URL: 'redis://127.0.0.1:1', MONGO_URI: undefined };
    const load = spawnSync(process.execPath, ['-e', "require('./src/app.js'); console.log('LOADED')"], {
      cwd: dir,
      encoding: 'utf8',
      env,
      timeout: 20_000,
    });
    expect(load.error, 'the process exits by itself').toBeUndefined();
    expect(load.stderr).not.toMatch(/ReferenceError|TypeError/);
    expect(load.stdout).toContain('LOADED');
    expect(load.status, load.stderr).toBe(0);
  });
});
