#!/usr/bin/env node
import { main } from '../src/cli/program.js';

let interrupted = false;
let writing = false;
process.on('SIGINT', () => {
  // Before the write phase nothing has been written: stop at once. During it, finish the file
  // being written (each write is atomic) and stop before the next.
  if (!writing) process.exit(130);
  interrupted = true;
});

const code = await main(process.argv.slice(2), {
  cwd: process.cwd(),
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  interrupted: () => {
    writing = true;
    return interrupted;
  },
});
process.exitCode = code;
