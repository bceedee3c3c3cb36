/**
 * Type-checking the project's programs in a given state (an overlay of changed texts) and telling
 * which diagnostics are new. Diagnostics are compared per file as (code, message) counts, so edits
 * that only move an existing error do not count as new.
 */
import type * as TS from 'typescript';
import { toAbsolute, toRelative } from '../engine/paths.js';
import type { ProjectConfig } from './configs.js';
import { overlayHost, SourceCache, type Overlay } from './host.js';
import type { TypeScript } from './typescript.js';

export interface Diagnostic {
  /** Root-relative path. */
  file: string;
  line: number;
  column: number;
  code: number;
  message: string;
}

/** Root-relative path -> its diagnostics. */
export type DiagnosticsByFile = Map<string, Diagnostic[]>;

export class Checker {
  private readonly cache = new SourceCache();
  private readonly previous = new Map<string, TS.Program>();
  /** Root files per project in the last state checked. */
  rootFiles = 0;
  /** Root-relative paths of every project source file in the last state checked. */
  readonly covered = new Set<string>();

  constructor(
    private readonly ts: TypeScript,
    private readonly root: string,
    private readonly projects: readonly ProjectConfig[],
  ) {}

  /** The diagnostics of the project's own files (or only of `only`) in the state `overlay`. */
  check(overlay: Overlay, only?: ReadonlySet<string>): DiagnosticsByFile {
    const result: DiagnosticsByFile = new Map();
    const seen = new Set<string>();
    this.rootFiles = 0;
    for (const project of this.projects) {
      const program = this.program(project, overlay);
      this.rootFiles += program.getRootFileNames().length;
      for (const source of program.getSourceFiles()) {
        if (program.isSourceFileDefaultLibrary(source) || program.isSourceFileFromExternalLibrary(source)) continue;
        if (source.fileName.includes('/node_modules/')) continue;
        const file = toRelative(this.root, source.fileName);
        if (file.startsWith('..')) continue;
        this.covered.add(file);
        if (only && !only.has(file)) continue;
        // a file several projects hold (project references) is checked in each; report it once
        const found = [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)].map((d) => this.describe(d, file));
        const list = result.get(file) ?? [];
        for (const d of found) {
          const key = `${d.line}:${d.column}:${d.code}:${d.message}`;
          if (seen.has(`${file}\0${key}`)) continue;
          seen.add(`${file}\0${key}`);
          list.push(d);
        }
        result.set(file, list);
      }
    }
    return result;
  }

  /**
   * The changed files (keys of `overlay`) that `file` reaches through its imports,
   * nearest first: the likeliest causes of a new diagnostic in `file`.
   */
  importOrder(file: string, overlay: Overlay): string[] {
    const order: string[] = [];
    for (const project of this.projects) {
      const options = project.parsed.options;
      const host = overlayHost(this.ts, options, overlay, this.cache);
      const start = toAbsolute(this.root, file);
      const queue = [start];
      const seen = new Set(queue);
      while (queue.length > 0) {
        const current = queue.shift()!;
        const text = host.readFile(current);
        if (text === undefined) continue;
        for (const { fileName } of this.ts.preProcessFile(text, true, true).importedFiles) {
          const target = this.ts.resolveModuleName(fileName, current, options, host).resolvedModule?.resolvedFileName;
          if (!target || seen.has(target) || target.includes('/node_modules/')) continue;
          seen.add(target);
          queue.push(target);
          const rel = toRelative(this.root, target);
          if (overlay.has(target) && !order.includes(rel)) order.push(rel);
        }
      }
    }
    return order;
  }

  /**
   * The files whose diagnostics a change to `changed` (root-relative) can alter: those files, every
   * file that reaches one through its imports (in the state `overlay` or before it), and every
   * script (non-module) file, which shares the global scope. The others keep their diagnostics.
   */
  affectedBy(changed: ReadonlySet<string>, overlay: Overlay): Set<string> {
    const importers = new Map<string, Set<string>>();
    const affected = new Set(changed);
    for (const state of [new Map() as Overlay, overlay]) {
      for (const project of this.projects) {
        const program = this.program(project, state);
        const host = overlayHost(this.ts, project.parsed.options, state, this.cache);
        for (const source of program.getSourceFiles()) {
          if (program.isSourceFileDefaultLibrary(source) || program.isSourceFileFromExternalLibrary(source)) continue;
          const file = toRelative(this.root, source.fileName);
          if (file.startsWith('..') || source.fileName.includes('/node_modules/')) continue;
          if (!this.ts.isExternalModule(source) && !source.isDeclarationFile) affected.add(file);
          for (const { fileName } of this.ts.preProcessFile(source.text, true, true).importedFiles) {
            // every specifier, not only relative ones: path aliases (`paths`, `baseUrl`) reach project files too
            const target = this.ts.resolveModuleName(fileName, source.fileName, project.parsed.options, host).resolvedModule?.resolvedFileName;
            if (!target || target.includes('/node_modules/')) continue;
            const rel = toRelative(this.root, target);
            const set = importers.get(rel) ?? new Set<string>();
            set.add(file);
            importers.set(rel, set);
          }
        }
      }
    }
    const queue = [...affected];
    while (queue.length > 0) {
      for (const importer of importers.get(queue.pop()!) ?? []) {
        if (!affected.has(importer)) {
          affected.add(importer);
          queue.push(importer);
        }
      }
    }
    return affected;
  }

  private program(project: ProjectConfig, overlay: Overlay): TS.Program {
    const { parsed } = project;
    const host = overlayHost(this.ts, parsed.options, overlay, this.cache);
    const oldProgram = this.previous.get(project.path);
    const program = this.ts.createProgram({
      rootNames: parsed.fileNames,
      options: parsed.options,
      host,
      ...(parsed.projectReferences ? { projectReferences: parsed.projectReferences } : {}),
      ...(oldProgram ? { oldProgram } : {}),
    });
    this.previous.set(project.path, program);
    return program;
  }

  private describe(d: TS.Diagnostic, file: string): Diagnostic {
    const start = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : { line: 0, character: 0 };
    return { file, line: start.line + 1, column: start.character + 1, code: d.code, message: this.ts.flattenDiagnosticMessageText(d.messageText, ' ') };
  }
}

/** Diagnostics of `after` that `before` does not have (per file, by code and message, counted). */
export function newDiagnostics(before: DiagnosticsByFile, after: DiagnosticsByFile): DiagnosticsByFile {
  const gained: DiagnosticsByFile = new Map();
  for (const [file, list] of after) {
    const counts = new Map<string, number>();
    for (const d of before.get(file) ?? []) counts.set(keyOf(d), (counts.get(keyOf(d)) ?? 0) + 1);
    const fresh = list.filter((d) => {
      const left = counts.get(keyOf(d)) ?? 0;
      if (left > 0) {
        counts.set(keyOf(d), left - 1);
        return false;
      }
      return true;
    });
    if (fresh.length > 0) gained.set(file, fresh);
  }
  return gained;
}

function keyOf(d: Diagnostic): string {
  return `${d.code}\0${d.message}`;
}
