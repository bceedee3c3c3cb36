#!/usr/bin/env node
/**
 * `npm test` runs this first (the `pretest` script): some tests exercise real services — a
 * redis-server for the generated rate limiters, tmux for the interactive review in a real
 * pseudo-terminal. When one is missing and this machine can install Debian packages (root, or
 * password-less sudo, with apt-get), it installs them and says so; otherwise it says exactly what
 * to install and the suite's own checks fail with the same message.
 */
import { spawnSync } from 'node:child_process';

const NEEDED = [
  { command: 'redis-server', args: ['--version'], pkg: 'redis-server', why: 'generated rate limiters run against a real Redis' },
  { command: 'tmux', args: ['-V'], pkg: 'tmux', why: 'the interactive review is driven in a real pseudo-terminal' },
];

const has = (command, args) => spawnSync(command, args, { stdio: 'ignore' }).status === 0;
const missing = NEEDED.filter(({ command, args }) => !has(command, args));
if (missing.length === 0) process.exit(0);

const names = missing.map((m) => m.pkg);
const say = (text) => process.stderr.write(`provision: ${text}\n`);
for (const m of missing) say(`${m.command} is missing (${m.why})`);

const root = typeof process.getuid === 'function' && process.getuid() === 0;
const sudo = !root && has('sudo', ['-n', 'true']);
if (!has('apt-get', ['--version']) || (!root && !sudo)) {
  say(`install ${names.join(' and ')} with your system's package manager, then run npm test again`);
  process.exit(0); // the tests that need them fail with the same instruction
}
const apt = (args) => {
  const command = root ? 'apt-get' : 'sudo';
  const full = root ? args : ['-n', 'apt-get', ...args];
  say(`${root ? '' : 'sudo '}apt-get ${args.join(' ')}`);
  const result = spawnSync(command, full, { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  return result.status === 0;
};
if (!apt(['update', '-qq']) || !apt(['install', '-y', '-qq', ...names])) {
  say(`installing ${names.join(' and ')} failed; install them by hand and run npm test again`);
  process.exit(0);
}
say(`installed ${names.join(' and ')}`);
