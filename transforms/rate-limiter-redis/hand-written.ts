import type { Context } from './shared.js';

export function rewriteHandWritten(_ctx: Context): void {}
