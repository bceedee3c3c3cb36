/**
 * Import cycles among the modules of a tree: every relative `import`/`export ... from`/`require`
 * (type-only imports included: a cycle of types is still a cycle to a reader and to lint rules)
 * resolved to a file of the tree, then a depth-first search. Each cycle is reported once, as the
 * list of files from its first module back to it.
 */
import { posix } from 'node:path';
import ts from 'typescript';

const EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];

function resolve(from: string, specifier: string, files: ReadonlyMap<string, string>): string | undefined {
  const base = posix.normalize(posix.join(posix.dirname(from), specifier));
  const stem = base.replace(/\.(m|c)?js$/, '');
  const candidates = [base, ...EXTENSIONS.map((e) => stem + e), ...EXTENSIONS.map((e) => `${base}/index${e}`)];
  return candidates.find((c) => files.has(c));
}

/** Relative imports of each module of `files` (root-relative path -> text) that resolve inside it. */
export function importGraph(files: ReadonlyMap<string, string>): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const [path, text] of files) {
    if (!/\.[cm]?[jt]sx?$/.test(path) || path.endsWith('.d.ts')) continue;
    const info = ts.preProcessFile(text, true, true);
    const targets = info.importedFiles
      .map((f) => f.fileName)
      .filter((s) => s.startsWith('./') || s.startsWith('../'))
      .map((s) => resolve(path, s, files))
      .filter((t): t is string => t !== undefined && t !== path);
    graph.set(path, [...new Set(targets)]);
  }
  return graph;
}

export function importCycles(files: ReadonlyMap<string, string>): string[][] {
  const graph = importGraph(files);
  const cycles: string[][] = [];
  const seen = new Set<string>();
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string) => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === 'open') {
        const cycle = stack.slice(stack.indexOf(next));
        const key = [...cycle].sort().join('\n');
        if (!seen.has(key)) {
          seen.add(key);
          cycles.push([...cycle, next]);
        }
      } else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of [...graph.keys()].sort()) if (!state.has(node)) visit(node);
  return cycles;
}
