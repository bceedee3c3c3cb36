/** The `--verify` part of the human summary (stderr). */
import type { Colors } from '../output/color.js';
import type { Diagnostic } from './diagnostics.js';
import type { VerifyReport } from './index.js';

const SHOWN = 5;
/** Diagnostics that mean a dependency (or its types) is not installed, not that the code is wrong. */
const NOT_INSTALLED = new Set([2307, 2688, 2580, 2591, 7016]);

export function formatVerify(report: VerifyReport, c: Colors, verbose = false): string {
  const lines: string[] = [];
  switch (report.mode) {
    case 'nothing-to-check':
      lines.push('verify: nothing would change, nothing to type-check');
      break;
    case 'syntax-only':
      lines.push(`verify: ${report.reason}`);
      break;
    case 'unavailable':
      lines.push(`${c.red('error')} verify: verification unavailable: ${report.reason}`);
      break;
    case 'typecheck': {
      const { typescript, projects, rootFiles, dropped } = report;
      const who = typescript.origin === 'project' ? `the project's TypeScript ${typescript.version}` : `harden's bundled TypeScript ${typescript.version} (the project has no typescript of its own)`;
      lines.push(
        `verify: type-checked with ${who}, ${projects.join(', ')} (${rootFiles} root file${rootFiles === 1 ? '' : 's'}; ` +
          `${report.checkedFiles} a change can reach compared), before and after, in memory, in ${report.milliseconds} ms`,
      );
      const count = `${dropped.length} change set${dropped.length === 1 ? '' : 's'} dropped (new type errors)`;
      lines.push(`verify: ${dropped.length ? c.yellow(count) : count}`);
      for (const set of dropped) {
        const transforms = [...new Set(set.sites.map((site) => site.transform))].join(', ');
        const extra = set.requested.length ? `, with ${set.requested.join(', ')}` : '';
        const why = set.attributed ? ' — its change breaks a file harden did not change:' : ':';
        lines.push(`  dropped ${set.file} (${transforms}: ${set.sites.length} site${set.sites.length === 1 ? '' : 's'}${extra})${why}`);
        const shown = verbose ? set.diagnostics : set.diagnostics.slice(0, SHOWN);
        for (const d of shown) lines.push(`    ${describe(d)}`);
        if (shown.length < set.diagnostics.length) lines.push(`    … ${set.diagnostics.length - shown.length} more (--verbose lists them)`);
      }
      if (dropped.some((set) => set.diagnostics.some((d) => NOT_INSTALLED.has(d.code)))) {
        lines.push(
          'hint: some diagnostics say a module or its types cannot be found: install the project\'s dependencies (and those harden adds to package.json), then run --verify again',
        );
      }
      if (report.gaveUp) lines.push(`verify: changes still added type errors after ${report.rounds - 1} rounds; every remaining change was dropped`);
      if (report.uncovered.length) {
        lines.push(`verify: ${report.uncovered.length} changed file(s) are in no project of the tsconfig, syntax checked only: ${report.uncovered.join(', ')}`);
      }
      break;
    }
  }
  return lines.join('\n') + '\n';
}

export function describe(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.column} TS${d.code} ${d.message}`;
}
