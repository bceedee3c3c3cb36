/**
 * Ctrl-C and SIGTERM during analysis: the built CLI stops at the next file (workers terminated),
 * prints what it did, exits 130 (SIGINT) or 143 (SIGTERM), and writes nothing. A signal that
 * arrives before analysis starts is seen at its first file, so these tests do not depend on timing.
 */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BIN, git, repo } from '../support/cli.js';

const files = Object.fromEntries(
  Array.from({ length: 600 }, (_, i) => [
    `src/f${i}.ts`,
    `import { a } from 'm';\nimport { b } from 'm';\nexport function f${i}() {\n  return [a, b, ${i}].map((x) => x + 1).filter(Boolean);\n}\n`,
  ]),
);

function interrupt(cwd: string, args: string[], signal: NodeJS.Signals, afterMs: number) {
  return new Promise<{ code: number | null; stderr: string; stdout: string; stopMs: number }>((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, NO_COLOR: '1' } });
    let stderr = '';
    let stdout = '';
    let sent = 0;
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.stdout.on('data', (chunk) => (stdout += chunk));
    const timer = setTimeout(() => {
      sent = Date.now();
      child.kill(signal);
    }, afterMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr, stdout, stopMs: sent ? Date.now() - sent : -1 });
    });
  });
}

describe('a signal during analysis', () => {
  const root = repo(files);

  it.each([
    ['SIGINT', '1', 130, 1500],
    ['SIGTERM', '1', 143, 1500],
    ['SIGINT', '2', 130, 1500], // early for workers too: the pool polls from its start and terminates them
  ] as const)('%s with --jobs %s: stops, says so, exits %i, writes nothing', async (signal, jobs, expected, afterMs) => {
    const result = await interrupt(root, ['apply', '--transform', 'dedupe-imports', '--jobs', jobs], signal, afterMs);
    // it was still running when the signal came
    expect(result.stopMs, `exit ${result.code} before the signal: ${result.stderr}`).toBeGreaterThanOrEqual(0);
    expect(result.code).toBe(expected);
    const match = /interrupted during analysis: (\d+) of 600 files looked at; nothing was written/.exec(result.stderr);
    expect(match, result.stderr).not.toBeNull();
    expect(Number(match![1])).toBeLessThan(600);
    expect(git(['status', '--porcelain'], root)).toBe('');
    console.log(`${signal} --jobs ${jobs}: exited ${result.stopMs} ms after the signal, ${match![1]} of 600 files looked at`);
  }, 60_000);
});
