/** The progress bar: on a terminal only, never in CI, nothing for short runs, erased at the end. */
import { describe, expect, it } from 'vitest';
import { createProgress } from '../../src/cli/progress.js';

function stream(isTTY: boolean) {
  let written = '';
  return { isTTY, columns: 80, write: (s: string) => ((written += s), true), text: () => written } as any;
}

function drive(s: any, env: NodeJS.ProcessEnv) {
  let now = 0;
  const progress = createProgress({ stream: s, env, now: () => now, delayMs: 500, intervalMs: 80 });
  for (let index = 0; index < 100; index += 1) {
    now += 20;
    progress.tick(`src/file-${index}.ts`, index, 100);
  }
  progress.done();
}

describe('progress', () => {
  it('draws on a terminal after the delay and erases itself', () => {
    const s = stream(true);
    drive(s, { TERM: 'xterm' });
    expect(s.text()).toMatch(/^\r\u001b\[2K\[#+\.*\] 2\d\/100 src\/file-2\d\.ts/);
    expect(s.text().split('\r').length).toBeGreaterThan(10); // redrawn, throttled
    expect(s.text().endsWith('\r\u001b[2K')).toBe(true);
  });

  it('draws nothing when piped, in CI, or on a dumb terminal', () => {
    for (const [tty, env] of [
      [false, {}],
      [true, { CI: 'true' }],
      [true, { TERM: 'dumb' }],
    ] as const) {
      const s = stream(tty);
      drive(s, env);
      expect(s.text()).toBe('');
    }
  });

  it('draws nothing for a run shorter than the delay', () => {
    const s = stream(true);
    let now = 0;
    const progress = createProgress({ stream: s, env: {}, now: () => now, delayMs: 500 });
    for (let index = 0; index < 10; index += 1) progress.tick('a.ts', index, 10), (now += 10);
    progress.done();
    expect(s.text()).toBe('');
  });
});
