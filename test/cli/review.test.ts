/**
 * `harden apply --interactive` end to end: the built CLI in a real pseudo-terminal (tmux), keys
 * typed as a user types them, and then exactly which changes reached the disk. The chain comes
 * from a harden.config.ts that loads a team transform (TypeScript) requesting a support file and
 * a dependency, so accepting or rejecting its sites shows whether those follow; rejections can be
 * recorded in the baseline so they do not come back. Without a
 * terminal, --interactive is an error that never reads piped input.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, git, repo } from '../support/cli.js';
import { requireTmux, Terminal } from '../support/terminal.js';

const nodeModules = join(import.meta.dirname, '..', '..', 'node_modules');
const duplicated = (x: string, y: string) => `import { ${x} } from 'm';\nimport { ${y} } from 'm';\nconsole.error(${x}, ${y});\n`;

const teamTransform = `import { z } from 'zod';

export default {
  id: 'team-log-errors',
  title: 'Route console.error through the team logger',
  description: 'Replaces console.error with log.error and adds the logger module.',
  skipReasons: {},
  needs: ['console.error'],
  scope: 'file' as const,
  options: z.object({}),
  apply({ j, root, sites, request }: any) {
    root.find(j.CallExpression, { callee: { object: { name: 'console' }, property: { name: 'error' } } }).forEach((path: any) => {
      if (!sites.changed(path.node, 'console.error -> log.error')) return;
      path.node.callee.object = j.identifier('log');
      request.file('src/lib/log.ts', 'export const log = console;\\n');
      request.dependency('pino', '^10.4.0');
    });
  },
};
`;

function project(): string {
  const root = repo({
    '.gitignore': 'node_modules\n',
    'package.json': `${JSON.stringify({ name: 'app', version: '1.0.0' }, null, 2)}\n`,
    'harden.config.ts': "export default { transforms: ['dedupe-imports', 'team-log-errors'], customTransforms: ['./tools/log-errors.ts'] };\n",
    'tools/log-errors.ts': teamTransform,
    'src/a.ts': duplicated('a', 'b'),
    'src/b.ts': duplicated('c', 'd'),
  });
  symlinkSync(nodeModules, join(root, 'node_modules'));
  return root;
}

const changedPaths = (root: string) => git(['status', '--porcelain', '--untracked-files=all'], root).split('\n').filter(Boolean).sort();
const command = `env -u CI NO_COLOR=1 node ${BIN} apply --interactive src`;

describe('harden apply --interactive in a terminal', () => {
  beforeAll(() => requireTmux());
  afterAll(() => Terminal.killServer());

  it('writes exactly the accepted changes, with the support file and dependency they need', async () => {
    const root = project();
    const terminal = new Terminal(root, command);
    try {
      const overview = await terminal.waitFor('to toggle');
      expect(overview).toContain('1 [x] dedupe-imports: 2 changes in 2 files');
      expect(overview).toContain('2 [ ] team-log-errors: 2 changes in 2 files');
      await terminal.type('2', 'Enter');
      await terminal.waitFor('[1/4] dedupe-imports src/a.ts:2:1');
      await terminal.type('y');
      const second = await terminal.waitFor('[2/4] team-log-errors src/a.ts:3:1');
      expect(second).toContain('+export const log = console;'); // the support file is shown with the first site that needs it
      await terminal.type('n');
      await terminal.waitFor('[3/4] dedupe-imports src/b.ts:2:1');
      await terminal.type('Enter'); // the default: no
      await terminal.waitFor('[4/4] team-log-errors src/b.ts:3:1');
      // then named, not repeated
      expect(await terminal.waitFor('also needs package.json, src/lib/log.ts (shown with an earlier change)')).toBeTruthy();
      await terminal.type('y');
      await terminal.waitFor('record the 2 rejected changes in .harden-baseline.json, so later runs leave them alone? [y/N]');
      await terminal.type('n');
      const summary = await terminal.waitFor('write 2 changes to 4 files? [y/N]');
      expect(readFileSync(join(root, 'src/a.ts'), 'utf8')).toBe(duplicated('a', 'b')); // nothing written before the answer
      expect(summary).toMatch(/ {2}package\.json\n {2}src\/a\.ts\n {2}src\/b\.ts\n {2}src\/lib\/log\.ts\n/);
      await terminal.type('y');
      expect(await terminal.exitCode()).toBe(0);
    } finally {
      terminal.close();
    }
    expect(changedPaths(root)).toEqual([' M package.json', ' M src/a.ts', ' M src/b.ts', '?? src/lib/log.ts']);
    expect(readFileSync(join(root, 'src/a.ts'), 'utf8')).toBe("import { a, b } from 'm';\nconsole.error(a, b);\n");
    expect(readFileSync(join(root, 'src/b.ts'), 'utf8')).toBe("import { c } from 'm';\nimport { d } from 'm';\nlog.error(c, d);\n");
    expect(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).dependencies).toEqual({ pino: '^10.4.0' });
  });

  it('shows the hunk of a change proved from another file (the project logger lives elsewhere)', async () => {
    const root = repo({
      '.gitignore': 'node_modules\n',
      'package.json': `${JSON.stringify({ name: 'app', version: '1.0.0', private: true, scripts: { start: 'node src/server.js' }, dependencies: { winston: '^3.0.0' } }, null, 2)}\n`,
      'src/utils/logger.js':
        "const winston = require('winston');\nmodule.exports = winston.createLogger({ format: winston.format.combine(winston.format.errors({ stack: true }), winston.format.json()), transports: [new winston.transports.Console()] });\n",
      // two sites in one file: each change set is a re-run of this file, which must still see the logger in src/utils
      'src/routes/chat.js':
        "const express = require('express');\nconst router = express.Router();\nrouter.get('/', (req, res) => {\n  try {\n    res.json(load());\n  } catch (err) {\n    console.error('chat failed', err);\n    res.status(500).end();\n  }\n});\nrouter.post('/', (req, res) => {\n  try {\n    res.json(save(req.body));\n  } catch (err) {\n    console.error('save failed', err);\n    res.status(500).end();\n  }\n});\nmodule.exports = router;\n",
    });
    symlinkSync(nodeModules, join(root, 'node_modules'));
    const terminal = new Terminal(root, `env -u CI NO_COLOR=1 node ${BIN} apply --interactive --no-config -t console-to-logger src`);
    try {
      await terminal.waitFor('to toggle');
      await terminal.type('1', 'Enter');
      const change = await terminal.waitFor('[1/2] console-to-logger src/routes/chat.js:7:5');
      expect(change).toContain("-    console.error('chat failed', err);");
      expect(change).toContain("+    logger.error('chat failed', err);");
      expect(change).toContain("+const logger = require('../utils/logger');");
      expect(change).not.toContain('save failed'); // its own hunks only
      await terminal.type('y');
      await terminal.waitFor('[2/2] console-to-logger src/routes/chat.js:15:5');
      await terminal.type('n');
      await terminal.waitFor('[y/N]');
      await terminal.type('n'); // do not record the rejection
      await terminal.waitFor('write 1 change to 1 file? [y/N]');
      await terminal.type('y');
      expect(await terminal.exitCode()).toBe(0);
    } finally {
      terminal.close();
    }
    const written = readFileSync(join(root, 'src/routes/chat.js'), 'utf8');
    expect(written).toContain("logger.error('chat failed', err);");
    expect(written).toContain("console.error('save failed', err);");
  });

  it('drops the support file and dependency when every change needing them is rejected', async () => {
    const root = project();
    const terminal = new Terminal(root, command);
    try {
      await terminal.waitFor('to toggle');
      await terminal.type('2', 'Enter');
      await terminal.waitFor('[1/4]');
      await terminal.type('A'); // every dedupe-imports change
      await terminal.waitFor('[2/4] team-log-errors');
      await terminal.type('D'); // no team-log-errors change
      await terminal.waitFor('record the 2 rejected changes in .harden-baseline.json, so later runs leave them alone? [y/N]');
      await terminal.type('y');
      await terminal.waitFor('write 2 changes to 2 files? [y/N]');
      await terminal.type('y');
      expect(await terminal.exitCode()).toBe(0);
    } finally {
      terminal.close();
    }
    expect(changedPaths(root)).toEqual(['?? .harden-baseline.json', ' M src/a.ts', ' M src/b.ts'].sort());
    // the rejected changes do not come back: check is green
    git(['add', '-A'], root);
    git(['-c', 'user.email=t@harden', '-c', 'user.name=t', 'commit', '-qm', 'reviewed'], root);
    const check = spawnSync(process.execPath, [BIN, 'check', 'src'], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(check.status, check.stderr).toBe(0);
    expect(check.stderr).toContain('skipped 2× baselined');
  });

  it('Ctrl-C writes nothing and exits 130; answering no to the summary writes nothing and exits 0', async () => {
    const root = project();
    const interrupted = new Terminal(root, command);
    try {
      await interrupted.waitFor('to toggle');
      await interrupted.type('Enter');
      await interrupted.waitFor('[1/2]');
      await interrupted.type('y');
      await interrupted.waitFor('[2/2]');
      await interrupted.type('C-c');
      expect(await interrupted.exitCode()).toBe(130);
      expect(interrupted.screen()).toContain('review interrupted; nothing was written');
    } finally {
      interrupted.close();
    }
    expect(changedPaths(root)).toEqual([]);

    const declined = new Terminal(root, command);
    try {
      await declined.waitFor('to toggle');
      await declined.type('Enter', 'A');
      await declined.waitFor('write 2 changes to 2 files? [y/N]');
      await declined.type('Enter');
      expect(await declined.exitCode()).toBe(0);
      expect(declined.screen()).toContain('nothing was written');
    } finally {
      declined.close();
    }
    expect(changedPaths(root)).toEqual([]);
  });
});

describe('harden apply --interactive without a terminal', () => {
  it('exits 2 pointing to --dry-run and never reads the piped answers', () => {
    const root = project();
    const result = spawnSync(process.execPath, [BIN, 'apply', '--interactive', 'src'], {
      cwd: root,
      input: 'y\ny\ny\ny\ny\ny\n',
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    });
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('--interactive needs a terminal on stdin and stdout');
    expect(result.stderr).toContain('--dry-run');
    expect(changedPaths(root)).toEqual([]);
  });
});
