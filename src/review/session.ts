/**
 * The screens of an interactive review, independent of the terminal (keys come from `readKey`,
 * text goes to `write`, which is stderr): an overview grouped by transform, the loop over change
 * sets with keys modelled on `git add -p`, and the final confirmation. Default answers are "no":
 * Enter never accepts a change nor writes a file.
 */
import type { ChangeSet } from '../changeset/change-sets.js';
import type { Colors } from '../output/color.js';
import type { ReadKey } from './keys.js';
import { renderDiff } from './render.js';

export interface ReviewUi {
  write(text: string): void;
  readKey: ReadKey;
  colors: Colors;
}

export interface TransformInfo {
  id: string;
  title: string;
  /** Low-risk transforms are pre-selected in the overview. */
  lowRisk: boolean;
}

const ENTER = new Set(['\r', '\n']);

/**
 * Overview: one line per transform with its counts; low-risk ones pre-selected. Digits toggle,
 * Enter goes on with the selection, q ends the review with nothing accepted.
 */
export async function chooseTransforms(sets: readonly ChangeSet[], infos: readonly TransformInfo[], ui: ReviewUi): Promise<Set<string>> {
  const c = ui.colors;
  const present = infos.filter((info) => sets.some((set) => set.site.transform === info.id));
  const selected = new Set(present.filter((info) => info.lowRisk).map((info) => info.id));
  const draw = () => {
    ui.write(`\n${c.bold(`harden found ${sets.length} change${sets.length === 1 ? '' : 's'} to review:`)}\n`);
    present.forEach((info, index) => {
      const mine = sets.filter((set) => set.site.transform === info.id);
      const files = new Set(mine.map((set) => set.site.file)).size;
      const box = selected.has(info.id) ? c.green('[x]') : '[ ]';
      ui.write(
        `  ${index + 1} ${box} ${c.bold(info.id)}: ${mine.length} change${mine.length === 1 ? '' : 's'} in ${files} file${files === 1 ? '' : 's'}` +
          ` ${c.dim(`— ${info.title}${info.lowRisk ? ' (low risk)' : ' (changes behaviour: review each)'}`)}\n`,
      );
    });
    ui.write(`Press 1-${Math.min(9, present.length)} to toggle, Enter to review the selected transforms, q to quit: `);
  };
  draw();
  for (;;) {
    const key = await ui.readKey();
    if (ENTER.has(key)) {
      ui.write('\n');
      return selected;
    }
    if (key === 'q') {
      ui.write('q\n');
      return new Set();
    }
    const index = Number(key) - 1;
    const info = /^[1-9]$/.test(key) ? present[index] : undefined;
    if (info) {
      if (selected.has(info.id)) selected.delete(info.id);
      else selected.add(info.id);
      ui.write(`${key}\n`);
      draw();
    }
  }
}

const HELP = `y - accept this change
n - reject this change (default)
a - accept this and every remaining change in this file
d - reject this and every remaining change in this file
A - accept this and every remaining change of this transform
D - reject this and every remaining change of this transform
q - stop reviewing; keep the decisions made so far (the rest are rejected)
? - this help
Ctrl-C - abort; nothing is written
`;

export interface ReviewResult {
  accepted: Set<string>;
  /** Change sets answered "no" (by n, Enter, d or D); not the ones left undecided by q. */
  rejected: Set<string>;
  /** How many change sets were decided by a key (or by a/d/A/D), the rest by q. */
  decided: number;
}

export async function reviewChangeSets(sets: readonly ChangeSet[], ui: ReviewUi): Promise<ReviewResult> {
  const c = ui.colors;
  const decision = new Map<string, boolean>();
  const decideWhere = (match: (set: ChangeSet) => boolean, value: boolean, from: number) => {
    for (const set of sets.slice(from)) if (match(set) && !decision.has(set.id)) decision.set(set.id, value);
  };
  const shownShared = new Set<string>();
  for (let index = 0; index < sets.length; index += 1) {
    const set = sets[index]!;
    if (decision.has(set.id)) continue;
    const { site } = set;
    ui.write(`\n${c.bold(`[${index + 1}/${sets.length}] ${site.transform}`)} ${c.cyan(`${site.file}:${site.line}:${site.column}`)}\n`);
    ui.write(`${site.message ?? ''}${set.combined ? c.dim(' (shown with the other changes of this file it builds on)') : ''}\n`);
    // a support file or package.json edit is shown with the first change that needs it, then named
    const repeated = set.changes.filter((change) => change.kind !== 'source' && shownShared.has(change.path));
    ui.write(renderDiff(set.changes.filter((change) => !repeated.includes(change)), c));
    if (repeated.length > 0) ui.write(c.dim(`also needs ${repeated.map((change) => change.path).join(', ')} (shown with an earlier change)\n`));
    for (const change of set.changes) if (change.kind !== 'source') shownShared.add(change.path);
    let answered = false;
    while (!answered) {
      ui.write(c.bold('Accept this change [y,n,a,d,A,D,q,?] (default n)? '));
      const key = await ui.readKey();
      answered = true;
      const shown = ENTER.has(key) ? 'n' : key;
      if (key !== '?') ui.write(`${shown.length === 1 ? shown : ''}\n`);
      switch (ENTER.has(key) ? 'n' : key) {
        case 'y':
          decision.set(set.id, true);
          break;
        case 'n':
          decision.set(set.id, false);
          break;
        case 'a':
        case 'd':
          decideWhere((other) => other.site.file === site.file, key === 'a', index);
          break;
        case 'A':
        case 'D':
          decideWhere((other) => other.site.transform === site.transform, key === 'A', index);
          break;
        case 'q':
          return { accepted: acceptedOf(decision), rejected: rejectedOf(decision), decided: decision.size };
        case '?':
          ui.write(`?\n${HELP}`);
          answered = false;
          break;
        default:
          ui.write(c.yellow(`unknown key; ? shows the keys\n`));
          answered = false;
      }
    }
  }
  return { accepted: acceptedOf(decision), rejected: rejectedOf(decision), decided: decision.size };
}

function rejectedOf(decision: ReadonlyMap<string, boolean>): Set<string> {
  return new Set([...decision].filter(([, accepted]) => !accepted).map(([id]) => id));
}

function acceptedOf(decision: ReadonlyMap<string, boolean>): Set<string> {
  return new Set([...decision].filter(([, accepted]) => accepted).map(([id]) => id));
}

/** "keep the N rejected changes out of later runs? [y/N]": only y records them in the baseline. */
export async function confirmBaseline(rejected: number, file: string, ui: ReviewUi): Promise<boolean> {
  const c = ui.colors;
  ui.write(c.bold(`record the ${rejected} rejected change${rejected === 1 ? '' : 's'} in ${file}, so later runs leave ${rejected === 1 ? 'it' : 'them'} alone? [y/N] `));
  const key = await ui.readKey();
  const yes = key === 'y' || key === 'Y';
  ui.write(`${yes ? 'y' : 'n'}\n`);
  return yes;
}

/** "write N changes to M files? [y/N]": only y writes. */
export async function confirmWrite(changes: number, files: readonly string[], ui: ReviewUi): Promise<boolean> {
  const c = ui.colors;
  ui.write(`\n${files.map((path) => `  ${path}\n`).join('')}`);
  ui.write(c.bold(`write ${changes} change${changes === 1 ? '' : 's'} to ${files.length} file${files.length === 1 ? '' : 's'}? [y/N] `));
  const key = await ui.readKey();
  const yes = key === 'y' || key === 'Y';
  ui.write(`${yes ? 'y' : 'n'}\n`);
  return yes;
}
