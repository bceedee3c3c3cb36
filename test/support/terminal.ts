/**
 * A real pseudo-terminal for end-to-end tests of the interactive review: a tmux session on a
 * private server (never the user's), keys typed with send-keys, the screen read with
 * capture-pane. tmux is required: without it these tests fail with a message saying how to
 * install it (.ci/run installs it), they never skip.
 */
import { spawnSync } from 'node:child_process';

export function requireTmux(): void {
  const probe = spawnSync('tmux', ['-V'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new Error('tmux is required for the interactive review tests (a real pseudo-terminal): apt-get install -y tmux');
  }
}

let sessions = 0;

export class Terminal {
  private readonly socket = `harden-test-${process.pid}`;
  private readonly name = `s${(sessions += 1)}`;

  /** Starts `command` (a shell command line) in `cwd`; the line `__EXIT=<code>__` follows its end. */
  constructor(cwd: string, command: string) {
    this.tmux(['new-session', '-d', '-s', this.name, '-x', '150', '-y', '50', '-c', cwd, `${command}; echo __EXIT=$?__; sleep 600`]);
  }

  private tmux(args: string[]): string {
    const result = spawnSync('tmux', ['-L', this.socket, '-f', '/dev/null', ...args], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`tmux ${args[0]} failed: ${result.stderr}`);
    return result.stdout;
  }

  /** Types keys one by one: single characters literally, and tmux key names (Enter, C-c). */
  async type(...keys: string[]): Promise<void> {
    for (const key of keys) {
      if (key.length === 1) this.tmux(['send-keys', '-t', this.name, '-l', key]);
      else this.tmux(['send-keys', '-t', this.name, key]);
      await sleep(60);
    }
  }

  screen(): string {
    return this.tmux(['capture-pane', '-p', '-J', '-S', '-2000', '-t', this.name]);
  }

  /** Waits until the screen shows `text` after the `occurrence`-th time; returns the screen. */
  async waitFor(text: string | RegExp, timeoutMs = 20_000, occurrence = 1): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const screen = this.screen();
      const count = typeof text === 'string' ? screen.split(text).length - 1 : (screen.match(new RegExp(text, 'g')) ?? []).length;
      if (count >= occurrence) return screen;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${String(text)}; the screen shows:\n${screen}`);
      await sleep(50);
    }
  }

  /** The exit code the command ended with (waits for it). */
  async exitCode(timeoutMs = 20_000): Promise<number> {
    const screen = await this.waitFor(/__EXIT=\d+__/, timeoutMs);
    return Number(/__EXIT=(\d+)__/.exec(screen)![1]);
  }

  close(): void {
    spawnSync('tmux', ['-L', this.socket, 'kill-session', '-t', this.name]);
  }

  static killServer(): void {
    spawnSync('tmux', ['-L', `harden-test-${process.pid}`, 'kill-server']);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
