/**
 * Single-key input from a terminal in raw mode: each key is answered without Enter, like git's
 * `interactive.singleKey`. Ctrl-C (which raw mode delivers as a byte, not a signal) and the end
 * of input reject with `ReviewInterrupted`, so the caller writes nothing and exits 130.
 */
export class ReviewInterrupted extends Error {
  constructor() {
    super('review interrupted; nothing was written');
    this.name = 'ReviewInterrupted';
  }
}

export type ReadKey = () => Promise<string>;

export interface KeyInput extends NodeJS.ReadableStream {
  isTTY?: boolean;
  setRawMode?(mode: boolean): unknown;
}

export interface KeyReader {
  read: ReadKey;
  close(): void;
}

export function keyReader(input: KeyInput): KeyReader {
  const queue: string[] = [];
  const waiting: { resolve: (key: string) => void; reject: (error: Error) => void }[] = [];
  let ended = false;
  const settle = () => {
    while (waiting.length > 0 && (queue.length > 0 || ended)) {
      const next = waiting.shift()!;
      const key = queue.shift();
      if (key === undefined || key === '\u0003' || key === '\u0004') {
        ended = true;
        next.reject(new ReviewInterrupted());
      } else next.resolve(key);
    }
  };
  const onData = (chunk: Buffer | string) => {
    const text = chunk.toString();
    // an escape sequence (arrow keys, function keys) is one key; anything else, one key per char
    if (text.startsWith('\u001b')) queue.push(text);
    else queue.push(...Array.from(text));
    settle();
  };
  const onEnd = () => {
    ended = true;
    settle();
  };
  input.setRawMode?.(true);
  input.on('data', onData);
  input.on('end', onEnd);
  input.resume();
  return {
    read: () =>
      new Promise<string>((resolve, reject) => {
        waiting.push({ resolve, reject });
        settle();
      }),
    close() {
      input.off('data', onData);
      input.off('end', onEnd);
      input.setRawMode?.(false);
      input.pause();
    },
  };
}
