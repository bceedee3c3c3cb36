/** Real `ws` clients, for watching a server (test/support/server-process.ts) meet a malformed frame. */
import WebSocket from 'ws';

export interface Client {
  socket: WebSocket;
  /** Every frame received so far, parsed. */
  received: unknown[];
  /** Resolves when a frame matching `match` has arrived (rejects after 3 s). */
  frame: (match: (frame: any) => boolean) => Promise<any>;
  send: (text: string) => void;
  /** Resolves with the close code when the connection closes, or 'open' after `ms`. */
  closed: (ms: number) => Promise<number | 'open'>;
}

export function connect(port: number): Promise<Client> {
  const socket = new WebSocket(`ws://127.0.0.1:${port}`);
  const received: unknown[] = [];
  const waiters: Array<{ match: (frame: any) => boolean; resolve: (frame: unknown) => void }> = [];
  let closeCode: number | undefined;
  const closeWaiters: Array<(code: number) => void> = [];
  socket.on('message', (data) => {
    const frame = JSON.parse(data.toString());
    received.push(frame);
    for (const waiter of [...waiters]) {
      if (waiter.match(frame)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(frame);
      }
    }
  });
  socket.on('close', (code) => {
    closeCode = code;
    for (const done of closeWaiters.splice(0)) done(code);
  });
  socket.on('error', () => undefined);
  const client: Client = {
    socket,
    received,
    frame: (match) => {
      const seen = received.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        waiters.push({ match, resolve });
        setTimeout(() => reject(new Error(`no matching frame within 3 s; received ${JSON.stringify(received)}`)), 3000);
      });
    },
    send: (text) => socket.send(text),
    closed: (ms) =>
      closeCode !== undefined
        ? Promise.resolve(closeCode)
        : Promise.race([new Promise<number>((resolve) => closeWaiters.push(resolve)), new Promise<'open'>((done) => setTimeout(() => done('open'), ms))]),
  };
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve(client));
    socket.once('error', reject);
  });
}
