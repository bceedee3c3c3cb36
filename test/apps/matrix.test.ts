/**
 * The end-to-end matrix: every sample backend in fixtures/apps/ gets its preset, run by the built
 * CLI on a fresh committed copy. For each app: the dry-run patch applies with git; the write exits
 * 0; the expected sites of test/apps/expected.ts change (or are refused, with a reason); the traps
 * keep their bytes; a second run changes nothing; the result type-checks (tsc for TypeScript apps,
 * `node --check` for JavaScript ones) and the app's own tests pass on it. The apps' tests get a
 * real redis-server (REDIS_URL): edgeai's limiter test runs over HTTP, in memory before harden and
 * in Redis after rate-limiter-redis. Fails (does not skip) when redis-server is missing.
 *
 * The matrix reads the registry and the presets at run time (`harden list`), so it runs as
 * transforms land: only the transforms of the preset that actually ran are checked.
 * Run after `npm run build` (npm test does).
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { git, harden } from '../support/cli.js';
import { startRedis, type RedisServer } from '../support/redis.js';
import { EXPECTED, UNIFIED_OPENAI_HEAD, type AppExpectation } from './expected.js';
import {
  APPS,
  ROOT,
  appRepo,
  appTests,
  checkJavaScript,
  listFiles,
  parseLocation,
  parseReport,
  presets,
  misses,
  registeredTransforms,
  typecheck,
  type Report,
} from './support.js';

const registered = registeredTransforms(ROOT);

let redis: RedisServer | undefined;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});
const available = presets(ROOT);

/** The preset of an app: the first of its list that exists; for the split-god-service app, a preset holding it. */
function chainFor(expectation: AppExpectation): string[] {
  const preset = expectation.presets.find((name) => available.includes(name));
  if (preset) return ['--preset', preset];
  const splitting = available.find((name) => harden(['explain', name], ROOT).stdout.includes('- split-god-service:'));
  if (splitting) return ['--preset', splitting];
  if (registered.includes('split-god-service')) return ['--transform', 'split-god-service'];
  return ['--preset', 'mongo-express'];
}

function lines(text: Buffer | string, first: number, last: number): string {
  return String(text).split('\n').slice(first - 1, last).join('\n');
}

function occurrences(text: string, block: string): number {
  return text.split(block).length - 1;
}

const apps = readdirSync(APPS, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

it('every sample app has an entry in the expectation table', () => {
  expect(apps.filter((app) => !EXPECTED[app])).toEqual([]);
  expect(apps).toEqual(expect.arrayContaining(['edgeai', 'monitor', 'unified', 'vfxb']));
});

const runs = apps.filter((name) => EXPECTED[name]).flatMap((app) => [undefined, ...(EXPECTED[app]!.more ?? [])].map((preset) => ({ app, preset })));

for (const { app, preset } of runs) {
  const expectation = EXPECTED[app]!;

  describe(`fixtures/apps/${app}${preset ? ` (${preset})` : ''}`, () => {
    let root = '';
    let original: Record<string, Buffer> = {};
    let chain: string[] = [];
    let patchCheck = '';
    let write = { status: null as number | null, stderr: '' };
    let report: Report = { transforms: [], sites: [] };

    beforeAll(() => {
      ({ root, files: original } = appRepo(app));
      writeFileSync(join(root, '.git', 'info', 'exclude'), 'node_modules\n');
      chain = preset ? ['--preset', preset] : chainFor(expectation);

      const dry = harden(['apply', ...chain, '--dry-run', '.'], root);
      expect(dry.status, dry.stderr).toBe(0);
      try {
        if (dry.stdout) git(['apply', '--check'], root, dry.stdout);
      } catch (error) {
        patchCheck = (error as Error).message;
      }

      const result = harden(['apply', ...chain, '--verbose', '--no-install', '.'], root);
      write = { status: result.status, stderr: result.stderr };
      report = parseReport(result.stderr);
    });

    it('runs its preset; the dry-run patch applies with git; the report lists every site', () => {
      expect(write.status, write.stderr).toBe(0);
      expect(patchCheck).toBe('');
      expect(report.transforms.length, write.stderr).toBeGreaterThan(0);
      for (const { id, changed, skipped } of report.transforms) {
        const mine = report.sites.filter((site) => site.transform === id);
        expect(mine.filter((site) => site.kind === 'changed'), `${id} changed sites`).toHaveLength(changed);
        expect(mine.filter((site) => site.kind === 'skipped'), `${id} skipped sites`).toHaveLength(skipped);
      }
    });

    it('changes the expected sites and refuses the ones it must', () => {
      const ran = report.transforms.map((t) => t.id);
      const checked = Object.entries(expectation.transforms).filter(([id]) => ran.includes(id));
      const failures = checked.flatMap(([id, expected]) => misses(id, expected, report.sites).map((miss) => `${id}: ${miss}`));
      expect(failures.join('\n'), `harden's report:\n${write.stderr}`).toBe('');
    });

    it('leaves the traps as they were', () => {
      const failures: string[] = [];
      for (const { at, why } of expectation.traps) {
        const { file, first, last } = parseLocation(at);
        const before = original[file];
        if (!before) {
          failures.push(`${file}: not in the app`);
          continue;
        }
        const after = readFileSync(join(root, file));
        if (!at.includes(':')) {
          if (!after.equals(before)) failures.push(`${file}: changed (${why})`);
        } else if (occurrences(String(after), lines(before, first, last)) < occurrences(String(before), lines(before, first, last))) {
          failures.push(`${at}: these lines changed (${why})`);
        }
      }
      expect(failures.join('\n')).toBe('');
    });

    it('changes nothing on a second run', () => {
      git(['add', '-A'], root);
      git(['-c', 'user.email=t@harden', '-c', 'user.name=t', 'commit', '-qm', 'harden', '--allow-empty'], root);
      const again = harden(['apply', ...chain, '--dry-run', '--verbose', '.'], root);
      expect(again.status, again.stderr).toBe(0);
      expect(again.stdout).toBe('');
      expect(parseReport(again.stderr).sites.filter((site) => site.kind === 'changed')).toEqual([]);
    });

    it(expectation.language === 'ts' ? 'type-checks with tsc' : 'parses with node --check', () => {
      const result = expectation.language === 'ts' ? typecheck(root) : checkJavaScript(root, listFiles(root));
      expect(result.output).toBe('');
      expect(result.status).toBe(0);
    });

    it('passes its own tests', () => {
      const result = appTests(root, { REDIS_URL: redis!.url });
      expect(result.status, result.output).toBe(0);
    });

    if (app === 'unified' && !preset) {
      it('did not compile before harden, only because of the repeated imports (review 003, finding 1)', () => {
        const before = typecheck(join(APPS, 'unified'));
        const errors = before.output.split('\n').filter((line) => /error TS\d+/.test(line));
        expect(before.status).not.toBe(0);
        expect(errors).toHaveLength(27);
        for (const error of errors) {
          expect(error).toMatch(/^src\/services\/openai-integration\.ts\(([4-9]|[12]\d|30),10\): error TS2300: Duplicate identifier '(config|text|after)'\.$/);
        }
      });

      it('keeps one import of each module in openai-integration.ts', () => {
        if (!report.transforms.some((t) => t.id === 'dedupe-imports')) throw new Error('dedupe-imports did not run');
        const text = readFileSync(join(root, 'src/services/openai-integration.ts'), 'utf8');
        expect(text.startsWith(`${UNIFIED_OPENAI_HEAD}\n`)).toBe(true);
        expect(text.match(/^import /gm)).toHaveLength(6);
      });
    }
  });
}

it('the apps are checked out as committed (no stray build output in fixtures/apps)', () => {
  for (const app of apps) {
    expect(existsSync(join(APPS, app, 'node_modules')), `${app}/node_modules`).toBe(false);
    expect(existsSync(join(APPS, app, 'dist')), `${app}/dist`).toBe(false);
  }
});
