/**
 * An in-memory compiler host: reads the Changeset's `after` texts for changed and new files and the
 * disk for everything else; nothing is written. Source files are cached by name, parse options and
 * text, so the programs before and after the change (and every attribution trial) share every
 * unchanged file's parse, and `createProgram(..., oldProgram)` reuses their structure.
 */
import type * as TS from 'typescript';
import type { TypeScript } from './typescript.js';

/** Absolute path -> text (`null`: the file does not exist in this state). */
export type Overlay = ReadonlyMap<string, string | null>;

export class SourceCache {
  private readonly files = new Map<string, Map<string, TS.SourceFile>>();

  get(ts: TypeScript, fileName: string, text: string, language: TS.ScriptTarget | TS.CreateSourceFileOptions): TS.SourceFile {
    const key = `${fileName}\0${typeof language === 'object' ? JSON.stringify(language) : language}`;
    const versions = this.files.get(key) ?? new Map<string, TS.SourceFile>();
    this.files.set(key, versions);
    const known = versions.get(text);
    if (known) return known;
    const file = ts.createSourceFile(fileName, text, language);
    if (versions.size >= 3) versions.delete(versions.keys().next().value!);
    versions.set(text, file);
    return file;
  }
}

export function overlayHost(ts: TypeScript, options: TS.CompilerOptions, overlay: Overlay, cache: SourceCache): TS.CompilerHost {
  const base = ts.createCompilerHost(options, true);
  const newDirs = new Set<string>();
  for (const [path, text] of overlay) {
    if (text === null) continue;
    for (let dir = path.slice(0, path.lastIndexOf('/')); dir.includes('/'); dir = dir.slice(0, dir.lastIndexOf('/'))) newDirs.add(dir);
  }
  const readFile = (fileName: string) => {
    const pending = overlay.get(fileName);
    return pending === undefined ? base.readFile(fileName) : (pending ?? undefined);
  };
  const host: TS.CompilerHost & { useSourceOfProjectReferenceRedirect(): boolean } = {
    ...base,
    readFile,
    fileExists: (fileName) => (overlay.has(fileName) ? overlay.get(fileName) !== null : base.fileExists(fileName)),
    directoryExists: (dir) => newDirs.has(dir.replace(/\/$/, '')) || (base.directoryExists?.(dir) ?? true),
    getSourceFile(fileName, language, onError) {
      const text = readFile(fileName);
      if (text === undefined) {
        onError?.(`cannot read ${fileName}`);
        return undefined;
      }
      return cache.get(ts, fileName, text, language);
    },
    writeFile: () => {
      throw new Error('harden --verify never writes');
    },
    // a referencing project sees the referenced projects' sources (as tsserver does), not their
    // built .d.ts files, so a change in one project is checked against its users in the other
    useSourceOfProjectReferenceRedirect: () => true,
  };
  return host;
}
