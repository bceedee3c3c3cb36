/** Babel parsing and line numbering shared by the corpus gate's checks. */
import { parse, type ParserPlugin } from '@babel/parser';

function plugins(file: string): ParserPlugin[] {
  if (/\.(ts|mts|cts)$/.test(file)) return ['typescript'];
  if (/\.tsx$/.test(file)) return ['typescript', 'jsx'];
  return ['jsx'];
}

/** Babel's program for a file, tolerant (errorRecovery); undefined when it cannot parse at all. */
export function babelParse(text: string, file: string, tokens = false): ReturnType<typeof parse> | undefined {
  try {
    return parse(text, {
      sourceType: 'unambiguous',
      plugins: plugins(file),
      errorRecovery: true,
      tokens,
      allowReturnOutsideFunction: true,
      allowImportExportEverywhere: true,
      allowAwaitOutsideFunction: true,
      allowUndeclaredExports: true,
    });
  } catch {
    return undefined;
  }
}

/** 1-based line of an offset, counting `\n` only (as the line diff does). */
export function lineIndex(text: string): (offset: number) => number {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}

