/**
 * harden's own install directory (where presets/ and the transforms' READMEs and templates live),
 * found from this module's location whether it runs from src/ (tests) or dist/ (the CLI).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

export function packageRoot(): string {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'harden') {
      cached = dir;
      return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the harden package root');
    dir = parent;
  }
}

export function harden(...segments: string[]): string {
  return join(packageRoot(), ...segments);
}

export function hardenVersion(): string {
  return (JSON.parse(readFileSync(harden('package.json'), 'utf8')) as { version: string }).version;
}
