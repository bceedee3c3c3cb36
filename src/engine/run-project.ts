/**
 * Project-level transforms: after every file-level transform, each runs once over the current
 * texts of the whole run and writes whole files. Every written source is re-parsed; a transform
 * that writes something unparseable (or throws) keeps none of its writes.
 */
import type { ProjectTransformDefinition } from '../transform.js';
import { detectTextStyle, languageFor, ParseError, parseSource, stripBom } from './parse.js';
import type { Project } from './project.js';
import { collectRequests, type ResolvedTransform, type SupportRequest } from './run-file.js';
import { ignoreComments, SiteRecorder, type Site, type SiteFilter } from './sites.js';
import { sourceLines } from './baseline.js';

export interface ProjectRunInput {
  project: Project;
  chain: readonly ResolvedTransform[];
  /** Current text of every processed source file (BOM included), by path; updated in place. */
  texts: Map<string, string>;
  filter?: SiteFilter;
}

export interface ProjectRunResult {
  /** Paths whose text a project transform set (new or changed). */
  written: Set<string>;
  sites: Site[];
  requests: SupportRequest[];
  errors: { path: string; message: string }[];
}

export function runProjectTransforms({ project, chain, texts, filter }: ProjectRunInput): ProjectRunResult {
  const result: ProjectRunResult = { written: new Set(), sites: [], requests: [], errors: [] };
  for (const { definition, options } of chain) {
    if (definition.scope !== 'project') continue;
    runOne(definition, options, project, texts, filter, result);
  }
  return result;
}

function runOne(
  definition: ProjectTransformDefinition,
  options: Record<string, unknown>,
  project: Project,
  texts: Map<string, string>,
  filter: SiteFilter | undefined,
  result: ProjectRunResult,
): void {
  const recorders = new Map<string, SiteRecorder>();
  const recorder = (file: string) => {
    let found = recorders.get(file);
    if (!found) {
      const text = stripBom(texts.get(file) ?? project.readFile(file) ?? '');
      const decisions = { ignores: ignoreComments(text), baseline: project.baseline?.matcher(file, () => sourceLines(text)) };
      recorders.set(file, (found = new SiteRecorder(definition.id, file, definition.skipReasons, filter, undefined, undefined, decisions)));
    }
    return found;
  };
  const at = (position: { line: number; column: number }) => ({
    loc: { start: { line: position.line, column: position.column - 1 }, end: { line: position.line, column: position.column - 1 } },
  });
  const writes = new Map<string, string>();
  const requests: SupportRequest[] = [];
  const rootPackage = project.packageOf('package.json');
  const changedIds = () => [...recorders.values()].flatMap((r) => r.records.filter((s) => s.kind === 'changed').map((s) => s.id));
  const request = collectRequests(definition.id, 'package.json', rootPackage?.dir ?? '', requests, changedIds);
  const current = new Map([...texts].map(([path, text]) => [path, stripBom(text)]));
  try {
    definition.apply({
      files: current,
      options,
      project,
      request,
      packageOf: (file) => project.packageOf(file),
      sites: {
        changed: (file, position, message) => recorder(file).changed(at(position), message),
        skipped: (file, position, reason, detail) => recorder(file).skipped(at(position), reason, detail),
      },
      write(path, text) {
        writes.set(path, text);
      },
    });
  } catch (error) {
    result.errors.push({ path: '.', message: `transform ${definition.id} failed: ${(error as Error).message}; none of its changes were kept` });
    return;
  }
  const prepared = new Map<string, string>();
  for (const [path, text] of writes) {
    if (languageFor(path)) {
      try {
        parseSource(stripBom(text), path);
      } catch (error) {
        const where = error instanceof ParseError ? ` at ${error.line}:${error.column}` : '';
        result.errors.push({
          path,
          message: `internal error: ${definition.id} wrote text that does not parse (${(error as Error).message}${where}); none of its changes were kept`,
        });
        return;
      }
    }
    prepared.set(path, withOriginalStyle(texts.get(path), stripBom(text)));
  }
  for (const [path, text] of prepared) {
    if (texts.get(path) === text) continue;
    texts.set(path, text);
    result.written.add(path);
  }
  for (const r of recorders.values()) result.sites.push(...r.records);
  result.requests.push(...requests);
}

/** Gives written text the BOM and line terminator of the file it replaces. */
function withOriginalStyle(original: string | undefined, text: string): string {
  if (original === undefined) return text;
  const style = detectTextStyle(original);
  const body = style.eol === '\r\n' ? text.replace(/\r?\n/g, '\r\n') : text;
  return (style.bom ? '\uFEFF' : '') + body;
}
