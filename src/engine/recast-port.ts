/**
 * Installing harden's ports of recast code (tree-copy.ts: its parse; reprints.ts: its search for
 * what to reprint). Each replaces an export of one of recast's modules, which recast calls
 * through, with code ported from recast 0.23.21; with another recast installed (the dependency
 * allows any 0.23), recast keeps its own. Each port can run a print or a parse with recast's own
 * code again: the `HARDEN_CHECK_*` checks compare the two.
 */
import { createRequire } from 'node:module';

/** `require` as recast's own modules resolve: its files, and its dependencies (esprima). */
export const recastRequire = createRequire(createRequire(import.meta.url).resolve('recast/package.json'));

/** recast's modules, as the ports read and replace them. */
export function recastModule<T>(path: string): T {
  return recastRequire(`./lib/${path}`) as T;
}

const PORTED = (recastRequire('./package.json') as { version: string }).version === '0.23.21';

/**
 * Puts `port` in place of `module[key]` (on recast 0.23.21), and gives the function that runs
 * `run` with recast's own there again.
 */
export function installPort<M extends object, K extends keyof M>(module: M, key: K, port: M[K]): <T>(run: () => T) => T {
  const own = module[key];
  if (PORTED) module[key] = port;
  return (run) => {
    const installed = module[key];
    module[key] = own;
    try {
      return run();
    } finally {
      module[key] = installed;
    }
  };
}
