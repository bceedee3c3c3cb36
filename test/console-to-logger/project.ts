/**
 * Test helper: a temporary project on disk (node_modules linked to harden's own, so the real
 * pino/winston/typescript resolve), run through one transform on the production path (`runFile`),
 * with the rewritten files and the requested support files written back, as `harden apply` would.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { resolveOptions } from '../../src/config/preset.js';
import { languageFor } from '../../src/engine/parse.js';
import { Project } from '../../src/engine/project.js';
import { runFile, type FileResult } from '../../src/engine/run-file.js';
import type { AnyTransform } from '../../src/transform.js';

const repo = join(import.meta.dirname, '..', '..');

export interface TempProject {
  dir: string;
  write(path: string, text: string): void;
  read(path: string): string;
  /** Runs `transform` over every source file and writes the results; returns each file's result. */
  transform(transform: AnyTransform, options?: unknown): Map<string, FileResult>;
  remove(): void;
}

export function tempProject(files: Record<string, string>): TempProject {
  const dir = mkdtempSync(join(tmpdir(), 'harden-test-'));
  symlinkSync(join(repo, 'node_modules'), join(dir, 'node_modules'), 'dir');
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  };
  for (const [path, text] of Object.entries(files)) write(path, text);
  return {
    dir,
    write,
    read: (path) => readFileSync(join(dir, path), 'utf8'),
    transform(transform, options = {}) {
      const sources = listSources(dir);
      const project = new Project(dir, sources);
      const resolved = resolveOptions(transform, options, 'test');
      const results = new Map<string, FileResult>();
      for (const path of sources) {
        const result = runFile({ path, text: readFileSync(join(dir, path), 'utf8'), chain: [{ definition: transform, options: resolved }], project });
        results.set(path, result);
      }
      for (const [path, result] of results) {
        if (result.status !== 'changed') continue;
        write(path, result.output);
        for (const request of result.requests) if (request.kind === 'file') write(request.path, request.contents);
      }
      return results;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

function listSources(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === 'node_modules') continue;
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (languageFor(entry.name)) found.push(relative(root, full).split(sep).join('/'));
    }
  };
  walk(root);
  return found.sort();
}
