/**
 * Reading a discovered file and deciding, from its bytes, whether harden may touch it at all:
 * huge, binary, non-UTF-8, generated and minified files are skipped with a reason.
 */
import { readFileSync, statSync } from 'node:fs';
import { detectTextStyle } from './parse.js';

export const MAX_FILE_BYTES = 1024 * 1024;

export type ReadResult =
  | { kind: 'text'; text: string }
  | { kind: 'skipped'; reason: string }
  | { kind: 'error'; message: string };

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * A file read once: the run's judgement of it, and its text as analyses of other files read it
 * (whatever the judgement: a minified or huge file is still a module others load), undefined
 * when it cannot be read.
 */
export interface SourceRead {
  result: ReadResult;
  text: string | undefined;
}

export function readSource(absolute: string, maxBytes = MAX_FILE_BYTES): SourceRead {
  let bytes: Buffer;
  try {
    if (statSync(absolute).size > maxBytes) return { result: { kind: 'skipped', reason: `larger than ${Math.round(maxBytes / 1024)} KiB` }, text: textOf(absolute) };
    bytes = readFileSync(absolute);
  } catch (error) {
    return { result: { kind: 'error', message: `cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` }, text: undefined };
  }
  const skipped = (reason: string): SourceRead => ({ result: { kind: 'skipped', reason }, text: bytes.toString('utf8') });
  if (bytes.subarray(0, 8000).includes(0)) return skipped('binary file');
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    return skipped('not UTF-8 text');
  }
  const reason = contentSkipReason(text);
  return { result: reason ? { kind: 'skipped', reason } : { kind: 'text', text }, text };
}

/** A huge file's text for other files' analyses, as far as it can be read. */
function textOf(absolute: string): string | undefined {
  try {
    return readFileSync(absolute, 'utf8');
  } catch {
    return undefined; // beyond what a string holds
  }
}

const LONG_LINE = 1_000;
/**
 * Minified code in dense long lines (whitespace under 5% of their code, as minifiers write it; a
 * `return`, `function` or `=>` every 1,000 characters at least, as code has and a data table, a
 * base64 source map or minified CSS in a template do not) that makes a file a bundle whatever else
 * it holds. On the corpus and in this repository's node_modules the one file this judges
 * minified where the ratios below did not is a vendored minified CodeMirror (180,000 such
 * characters, then a 60,000-line numeric table); its lines carry 2-12 of those words per 1,000
 * characters, the dense lines of data tables and source maps none.
 */
const MINIFIED_CODE = 64 * 1024;
const CODE_WORD = /\breturn\b|\bfunction\b|=>/g;

const CR_ONLY = 'lines end in CR alone (classic Mac OS line ends); harden does not rewrite such files yet';

/** Generated or minified content, or line ends harden does not rewrite, judged from the text. */
export function contentSkipReason(text: string): string | undefined {
  if (/@generated\b/.test(text.slice(0, 1024))) return 'generated file (@generated header)';
  // Line ends of CR alone (as the printer reads a file's line ends): harden's line-based steps after
  // printing (joining an inserted import to the import group, indentation) read LF and CRLF only;
  // such a file was rewritten unlike the same file with LF (found on corpus files converted to
  // CR), or judged "minified" (one long line)
  if (text.includes('\r') && detectTextStyle(text).eol === '\r') return CR_ONLY;
  // Minified code is mostly very long lines; one long literal (an embedded SVG, a key list) in an
  // ordinary file is not.
  // A vendored bundle may also hold thousands of short lines (a numeric table one entry per line),
  // so dense lines of minified code decide by their own size too.
  let lines = 0;
  let inLongLines = 0;
  let dense = 0;
  let codeChars = 0;
  let start = 0;
  while (start <= text.length) {
    const end = text.indexOf('\n', start);
    const length = (end === -1 ? text.length : end) - start;
    // a long line counts by its code: the inside of its string literals is data (an SVG path, a key)
    const code = length > 300 ? codeOf(text.slice(start, start + length)) : undefined;
    const codeLength = code === undefined ? length : code.length;
    codeChars += codeLength;
    if (codeLength > LONG_LINE) {
      inLongLines += codeLength;
      if (whitespaceIn(code!) < codeLength / 20 && (code!.match(CODE_WORD) ?? []).length * 1_000 >= codeLength) dense += codeLength;
    }
    lines += 1;
    if (end === -1) break;
    start = end + 1;
  }
  if (text.length > 2_000 && (inLongLines / text.length > 0.5 || codeChars / lines > 300 || dense >= MINIFIED_CODE)) {
    return 'minified file (very long lines)';
  }
  return undefined;
}

/** A line without the contents of its string and template literals. */
function codeOf(line: string): string {
  return line.replace(/'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|`(?:[^`\\]|\\.)*`/g, "''");
}

function whitespaceIn(code: string): number {
  let count = 0;
  for (let i = 0; i < code.length; i += 1) {
    const c = code.charCodeAt(i);
    if (c === 32 || c === 9 || c === 13) count += 1;
  }
  return count;
}
