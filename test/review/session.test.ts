/**
 * The review screens driven by scripted keys: what each key of the loop decides, Enter meaning
 * "no", the overview's pre-selection of low-risk transforms, and that applying a selection by
 * re-running keeps a support file exactly while one accepted change needs it.
 */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { registry } from '../../transforms/index.js';
import { computeChangeSets, selectChangeSets } from '../../src/changeset/change-sets.js';
import { colors } from '../../src/output/color.js';
import { discover } from '../../src/engine/discover.js';
import { run } from '../../src/changeset/run.js';
import { keyReader, ReviewInterrupted } from '../../src/review/keys.js';
import { chooseTransforms, confirmWrite, reviewChangeSets, type ReviewUi } from '../../src/review/session.js';
import { tree } from '../support/tmp.js';
import { chainOf, requestsSupport } from '../support/transforms.js';

function setup() {
  const root = tree({
    'package.json': `${JSON.stringify({ name: 'app' }, null, 2)}\n`,
    'src/a.ts': "import { a } from 'm';\nimport { b } from 'm';\nconsole.error(a);\nconsole.error(b);\n",
    'src/b.ts': "import { c } from 'm';\nimport { d } from 'm';\nconsole.error(c, d);\n",
  });
  const input = { root, discovery: discover({ root, cwd: root, patterns: ['.'] }), chain: chainOf(registry.get('dedupe-imports')!, requestsSupport) };
  const sets = computeChangeSets(run(input), input).sort((x, y) => x.site.file.localeCompare(y.site.file) || x.site.line - y.site.line);
  return { input, sets };
}

function ui(keys: string[]): ReviewUi & { output: () => string } {
  let output = '';
  return {
    write: (text) => void (output += text),
    readKey: async () => {
      const key = keys.shift();
      if (key === undefined) throw new Error('the test ran out of keys');
      return key;
    },
    colors: colors(false),
    output: () => output,
  };
}

const short = (ids: Iterable<string>) => [...ids].map((id) => id.split(':').slice(0, 3).join(':')).sort();

describe('the review loop', () => {
  it('y and n decide one change; Enter means n', async () => {
    const { sets } = setup();
    expect(sets.map((s) => `${s.site.file}:${s.site.line}`)).toEqual(['src/a.ts:2', 'src/a.ts:3', 'src/a.ts:4', 'src/b.ts:2', 'src/b.ts:3']);
    const { accepted } = await reviewChangeSets(sets, ui(['y', '\r', 'y', 'n', 'y']));
    expect(short(accepted)).toEqual(['dedupe-imports:src/a.ts:2', 'test-requests-support:src/a.ts:4', 'test-requests-support:src/b.ts:3']);
  });

  it('shows a support file and the package.json edit with the first change that needs them, then names them', async () => {
    const { sets } = setup();
    const screen = ui(['n', 'n', 'n', 'n', 'n']);
    await reviewChangeSets(sets, screen);
    const text = screen.output();
    expect(text.match(/\+\+\+ b\/src\/lib\/log\.ts/g)).toHaveLength(1);
    expect(text.match(/\+\+\+ b\/package\.json/g)).toHaveLength(1);
    expect(text).toContain('also needs package.json, src/lib/log.ts (shown with an earlier change)');
  });

  it('a and d decide the rest of the file; A and D the rest of the transform', async () => {
    const { sets } = setup();
    expect(short((await reviewChangeSets(sets, ui(['n', 'a', 'd']))).accepted)).toEqual([
      'test-requests-support:src/a.ts:3',
      'test-requests-support:src/a.ts:4',
    ]);
    expect(short((await reviewChangeSets(sets, ui(['A', 'D']))).accepted)).toEqual(['dedupe-imports:src/a.ts:2', 'dedupe-imports:src/b.ts:2']);
  });

  it('q keeps the decisions so far and rejects the rest; ? shows help and asks again; other keys ask again', async () => {
    const { sets } = setup();
    const screen = ui(['?', 'x', 'y', 'q']);
    const { accepted } = await reviewChangeSets(sets, screen);
    expect(short(accepted)).toEqual(['dedupe-imports:src/a.ts:2']);
    expect(screen.output()).toContain('A - accept this and every remaining change of this transform');
    expect(screen.output()).toContain('unknown key; ? shows the keys');
    expect(screen.output()).toContain('[1/5] dedupe-imports src/a.ts:2:1');
  });
});

describe('the overview and the confirmation', () => {
  it('pre-selects low-risk transforms; digits toggle; q selects nothing', async () => {
    const { sets } = setup();
    const infos = [
      { id: 'dedupe-imports', title: 'Merge', lowRisk: true },
      { id: 'test-requests-support', title: 'Log', lowRisk: false },
    ];
    expect([...(await chooseTransforms(sets, infos, ui(['\r'])))]).toEqual(['dedupe-imports']);
    expect([...(await chooseTransforms(sets, infos, ui(['1', '2', '\n'])))]).toEqual(['test-requests-support']);
    expect([...(await chooseTransforms(sets, infos, ui(['q'])))]).toEqual([]);
    const screen = ui(['\r']);
    await chooseTransforms(sets, infos, screen);
    expect(screen.output()).toContain('1 [x] dedupe-imports: 2 changes in 2 files');
    expect(screen.output()).toContain('2 [ ] test-requests-support: 3 changes in 2 files');
  });

  it('writes only on y', async () => {
    const screen = ui(['\r']);
    expect(await confirmWrite(3, ['a.ts', 'b.ts'], screen)).toBe(false);
    expect(screen.output()).toContain('write 3 changes to 2 files? [y/N]');
    expect(await confirmWrite(1, ['a.ts'], ui(['y']))).toBe(true);
  });
});

describe('applying a selection', () => {
  it('keeps the support file and dependency while an accepted change needs them, and drops them otherwise', () => {
    const { input, sets } = setup();
    const ids = (pred: (file: string, line: number) => boolean) =>
      new Set(sets.filter((s) => pred(s.site.file, s.site.line)).map((s) => s.id));

    const onlyDedupe = selectChangeSets(ids((_, line) => line === 2), input);
    expect(onlyDedupe.changes.map((c) => c.path)).toEqual(['src/a.ts', 'src/b.ts']);
    expect(onlyDedupe.changes[0]!.after).toBe("import { a, b } from 'm';\nconsole.error(a);\nconsole.error(b);\n");

    const oneLog = selectChangeSets(ids((file, line) => file === 'src/b.ts' && line === 3), input);
    expect(oneLog.changes.map((c) => c.path)).toEqual(['package.json', 'src/b.ts', 'src/lib/log.ts']);
    expect(oneLog.changes[1]!.after).toBe("import { c } from 'm';\nimport { d } from 'm';\nlog.error(c, d);\n");
    expect(oneLog.changes[2]!.requestedBy).toEqual([...ids((file, line) => file === 'src/b.ts' && line === 3)]);
  });
});

describe('keys from a terminal', () => {
  it('reads one key at a time and turns Ctrl-C and end of input into an interruption', async () => {
    const input = Object.assign(new PassThrough(), { isTTY: true, raw: false, setRawMode(mode: boolean) { this.raw = mode; } });
    const reader = keyReader(input);
    expect(input.raw).toBe(true);
    input.write('yn');
    expect([await reader.read(), await reader.read()]).toEqual(['y', 'n']);
    input.write('\u001b[A');
    expect(await reader.read()).toBe('\u001b[A');
    input.write('\u0003');
    await expect(reader.read()).rejects.toBeInstanceOf(ReviewInterrupted);
    reader.close();
    expect(input.raw).toBe(false);
  });
});
