/**
 * Attribution: a new diagnostic in a file the run did not change was caused by a change elsewhere
 * (a signature, an export). The suspects are the changed files, those the diagnosed file reaches
 * through its imports first (nearest first), then the others. Each suspect's change is
 * left out in turn (its original text restored in memory) and the diagnosed file re-checked; a
 * suspect whose removal makes a diagnostic disappear is its cause. A diagnostic no single suspect
 * explains is given to the suspects left out together, in the same order, until it disappears.
 */
import { newDiagnostics, type Checker, type Diagnostic, type DiagnosticsByFile } from './diagnostics.js';
import type { Overlay } from './host.js';

export interface Attribution {
  /** Changed file -> the diagnostics its change causes in `file`. */
  causes: Map<string, Diagnostic[]>;
}

export interface AttributionInput {
  checker: Checker;
  /** The diagnosed, unchanged file and its new diagnostics. */
  file: string;
  gained: readonly Diagnostic[];
  baseline: DiagnosticsByFile;
  /** The current state, and each changed source's absolute path and original text. */
  overlay: Overlay;
  suspects: ReadonlyMap<string, { absolute: string; before: string | null }>;
}

export function attribute(input: AttributionInput): Attribution {
  const { checker, file, gained, baseline, overlay, suspects } = input;
  const near = checker.importOrder(file, overlay).filter((path) => suspects.has(path));
  const order = [...near, ...[...suspects.keys()].filter((path) => !near.includes(path)).sort()];
  const causes = new Map<string, Diagnostic[]>();
  let open = [...gained];
  const remaining = (without: readonly string[]) => {
    const state = new Map(overlay);
    for (const path of without) {
      const suspect = suspects.get(path)!;
      state.set(suspect.absolute, suspect.before);
    }
    const after = checker.check(state, new Set([file]));
    return newDiagnostics(baseline, after).get(file) ?? [];
  };
  const explainedBy = (without: readonly string[]) => {
    const left = remaining(without);
    const explained = open.filter((d) => !left.some((l) => l.code === d.code && l.message === d.message));
    open = open.filter((d) => !explained.includes(d));
    return explained;
  };

  for (const path of order) {
    if (open.length === 0) break;
    const explained = explainedBy([path]);
    if (explained.length > 0) causes.set(path, explained);
  }
  const together: string[] = [];
  for (const path of order) {
    if (open.length === 0) break;
    together.push(path);
    const explained = explainedBy(together);
    if (explained.length > 0) for (const each of together) causes.set(each, [...(causes.get(each) ?? []), ...explained]);
  }
  // nothing explains it (it should not happen: with every change left out the file is as before)
  if (open.length > 0) for (const path of order) causes.set(path, [...(causes.get(path) ?? []), ...open]);
  return { causes };
}
