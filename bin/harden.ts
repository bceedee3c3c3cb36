#!/usr/bin/env node
import { main } from '../src/cli/program.js';

/**
 * Ctrl-C and SIGTERM: the first one asks the run to stop. Analysis polls the flag between files
 * (workers are terminated) and stops within a file's time, writing nothing; the write phase
 * finishes the file in progress and stops before the next; either way the summary is printed.
 * Exit 130 for SIGINT, 143 for SIGTERM. A second signal ends the process at once (still between
 * two files' writes, since each file is written synchronously).
 */
let signal: NodeJS.Signals | undefined;
const exitCodeOf = (name: NodeJS.Signals) => (name === 'SIGTERM' ? 143 : 130);
for (const name of ['SIGINT', 'SIGTERM'] as const) {
  process.on(name, () => {
    if (signal) process.exit(exitCodeOf(name));
    signal = name;
  });
}

/** A reader that went away (`harden ... | head`): stop writing to it, quietly. */
function quietOnEpipe(stream: NodeJS.WriteStream): NodeJS.WriteStream {
  let closed = false;
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') closed = true;
    else throw error;
  });
  return new Proxy(stream, {
    get(target, property, receiver) {
      if (property === 'write') {
        return (...args: Parameters<NodeJS.WriteStream['write']>) => (closed ? true : target.write(...args));
      }
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

const code = await main(process.argv.slice(2), {
  cwd: process.cwd(),
  stdin: process.stdin,
  stdout: quietOnEpipe(process.stdout),
  stderr: quietOnEpipe(process.stderr),
  interrupted: () => signal !== undefined,
});
process.exitCode = code === 130 && signal ? exitCodeOf(signal) : code;
