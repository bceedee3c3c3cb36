/**
 * The logger rewrites (sync append -> one append-mode write stream) keep what the log file ends
 * up holding: each logger fixture's input and expected output run with the same driver in two
 * fresh temporary directories (TypeScript is transpiled to CommonJS first, .mjs is imported), with
 * a log file that already has a line in it (append, not truncate). The driver logs a burst of
 * interleaved lines through different methods; the process then exits normally, which flushes
 * the stream's pending writes, and the files left behind must be byte-identical. The TypeScript
 * output is also type-checked, strict, against the real @types/node.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';

const worktree = join(import.meta.dirname, '..', '..');
const fixtures = join(worktree, 'fixtures', 'fs-sync-to-async');
const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

interface Scenario {
  fixture: string;
  ext: 'ts' | 'js' | 'mjs';
  /** Files present before the run (relative to the temp dir). */
  setup: Record<string, string>;
  /** Body of an async function; `mod` is the module under test. */
  driver: string;
  /** How many log files the run must leave (one per day for the daily loggers). */
  files?: number;
}

/** The driver's clock: `day(i)` moves between three days (a new log file each) as i grows. */
const DAYS = `
  const RealDate = Date;
  let now = '2026-01-01T10:00:00.000Z';
  global.Date = class extends RealDate { constructor(...args) { super(...(args.length ? args : [now])); } };
  const day = (i) => { now = ['2026-01-01', '2026-01-02', '2026-01-03'][Math.floor(i / 40) % 3] + 'T10:00:00.000Z'; };
`;

const burst = (call: string) => `for (let i = 0; i < 300; i++) { ${call} }`;

const scenarios: Scenario[] = [
  {
    fixture: 'logger-class-append-flag-ts',
    ext: 'ts',
    setup: { 'logs/app.log': '{"earlier":true}\n' },
    driver: `
      const a = new mod.Logger('a', 'logs');
      const b = new mod.Logger('b', 'logs');
      ${burst("a.info('line ' + i); a.log('warn', 'x'.repeat(i * 37)); if (i % 7 === 0) b.info('from b ' + i);")}
    `,
  },
  {
    fixture: 'logger-class-append-cjs',
    ext: 'js',
    setup: { 'logs/access.log': 'GET / 200\n' },
    driver: `
      const a = new mod.AccessLog('logs');
      const b = new mod.AccessLog('./logs/../logs');
      ${burst("a.write({ method: 'GET', url: '/a/' + i }, 200); if (i % 3 === 0) b.write({ method: 'POST', url: '/b/' + 'z'.repeat(i * 41) }, 201);")}
    `,
  },
  {
    fixture: 'logger-module-function-cjs',
    ext: 'js',
    setup: { 'logs/app.log': 'earlier line\n' },
    driver: `${burst("mod.log('line ' + i + ' ' + 'y'.repeat(i * 53)); if (i % 5 === 0) mod.logError(new Error('e' + i));")}`,
  },
  {
    fixture: 'logger-named-imports-esm',
    ext: 'mjs',
    setup: {},
    driver: `${burst("mod.logRequest({ method: i % 2 ? 'GET' : 'POST', url: '/r/' + i + '?' + 'q'.repeat(i) });")}`,
  },
  // seed 003's daily file: the path is computed per call; days alternate, with pauses so idle streams get closed and reopened
  {
    fixture: 'logger-daily-file-per-write-ts',
    ext: 'ts',
    setup: { 'logs/2026-01-01.log': '{"earlier":true}\n' },
    files: 3,
    driver: `${DAYS}
      const a = new mod.Logger('a', 'logs');
      const b = new mod.Logger('b', 'logs');
      for (let i = 0; i < 300; i++) {
        day(i); a.info('line ' + i + ' ' + 'x'.repeat(i * 31)); if (i % 7 === 0) b.info('from b ' + i);
        if (i % 25 === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      }
    `,
  },
  {
    fixture: 'logger-daily-file-module-cjs',
    ext: 'js',
    setup: {},
    files: 3,
    driver: `${DAYS}
      require('fs').mkdirSync('logs');
      for (let i = 0; i < 300; i++) {
        day(i); mod.logLine('line ' + i + ' ' + 'y'.repeat(i * 43));
        if (i % 20 === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      }
    `,
  },
];

function snapshot(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (current: string) => {
    for (const name of readdirSync(current)) {
      const full = join(current, name);
      const rel = relative(dir, full);
      if (rel === 'src' || rel === 'driver.cjs') continue;
      if (statSync(full).isDirectory()) walk(full);
      else files[rel] = readFileSync(full, 'utf8');
    }
  };
  walk(dir);
  return files;
}

function runVersion(source: string, scenario: Scenario) {
  const dir = mkdtempSync(join(tmpdir(), 'harden-log-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'src'));
  const code = scenario.ext === 'ts' ? ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText : source;
  const file = scenario.ext === 'mjs' ? 'mod.mjs' : 'mod.js';
  writeFileSync(join(dir, 'src', file), code);
  for (const [path, text] of Object.entries(scenario.setup)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  const load = scenario.ext === 'mjs' ? `await import('./src/mod.mjs')` : `require('./src/mod.js')`;
  writeFileSync(
    join(dir, 'driver.cjs'),
    `(async () => {\nconst mod = ${load};\n${scenario.driver}\n})().catch((err) => { console.log('UNEXPECTED', err && err.stack); process.exitCode = 3; });\n`,
  );
  const run = spawnSync(process.execPath, ['driver.cjs'], { cwd: dir, encoding: 'utf8' });
  return { status: run.status, output: run.stdout + run.stderr, files: snapshot(dir) };
}

describe('fs-sync-to-async logger rewrites leave the same log files behind', () => {
  for (const scenario of scenarios) {
    it(scenario.fixture, () => {
      const before = runVersion(readFileSync(join(fixtures, `${scenario.fixture}.input.${scenario.ext}`), 'utf8'), scenario);
      const after = runVersion(readFileSync(join(fixtures, `${scenario.fixture}.output.${scenario.ext}`), 'utf8'), scenario);
      expect(before.status, before.output).toBe(0);
      expect(after.status, after.output).toBe(0);
      expect(after.files).toEqual(before.files);
      const logs = Object.values(before.files).join('');
      expect(logs.split('\n').length).toBeGreaterThan(300);
      if (scenario.files) expect(Object.keys(before.files).filter((path) => path.endsWith('.log'))).toHaveLength(scenario.files);
      for (const [path, text] of Object.entries(scenario.setup)) expect(after.files[path]?.startsWith(text)).toBe(true);
    });
  }

  it('the rewritten TypeScript loggers type-check (strict) with @types/node', () => {
    const dir = mkdtempSync(join(tmpdir(), 'harden-log-tsc-'));
    dirs.push(dir);
    symlinkSync(join(worktree, 'node_modules'), join(dir, 'node_modules'), 'dir');
    writeFileSync(join(dir, 'logger.ts'), readFileSync(join(fixtures, 'logger-class-append-flag-ts.output.ts'), 'utf8'));
    writeFileSync(join(dir, 'daily.ts'), readFileSync(join(fixtures, 'logger-daily-file-per-write-ts.output.ts'), 'utf8'));
    const program = ts.createProgram([join(dir, 'logger.ts'), join(dir, 'daily.ts')], {
      strict: true,
      noEmit: true,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      types: ['node'],
      typeRoots: [join(dir, 'node_modules', '@types')],
      skipLibCheck: true,
    });
    const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(diagnostics).toEqual([]);
  });
});
