/**
 * The registry's invariants: folder name = id, README, fixtures with at least one rewrite and one
 * must-not-change case, every skip reason exercised by some fixture, seed findings that exist,
 * metadata wording, presets that load.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { registry, transforms } from '../transforms/index.js';
import { SEED_REVIEWS } from '../src/transform.js';
import { FILE_ROLE_REASON } from '../src/engine/run-file.js';
import { checkCase, discoverCases } from '../src/testing/index.js';
import { listPresets, resolveChain } from '../src/cli/chain.js';
import { checkProjectCase, discoverProjectCases, removeTree } from './support/project-cases.js';

const here = import.meta.dirname;
const repo = join(here, '..');
const seedsDir = join(repo, '..', 'shared', 'seeds');

describe('the transform registry', () => {
  it('lists exactly the folders of transforms/', () => {
    const folders = readdirSync(join(repo, 'transforms'), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();
    expect(transforms.map((t) => t.id).sort()).toEqual(folders);
  });

  for (const transform of transforms) {
    describe(transform.id, () => {
      it('has a kebab-case id, a capitalised title without a period and a sentence description', () => {
        expect(transform.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
        expect(transform.title).toMatch(/^[A-Z`]/);
        expect(transform.title).not.toMatch(/\.$/);
        expect(transform.description).toMatch(/\.$/);
      });

      it('has a README that documents every skip reason', () => {
        const readme = join(repo, 'transforms', transform.id, 'README.md');
        expect(existsSync(readme)).toBe(true);
        const text = readFileSync(readme, 'utf8');
        for (const reason of Object.keys(transform.skipReasons)) expect(text).toContain(`\`${reason}\``);
      });

      it('has at least one rewrite case and one no-change- case', () => {
        const cases =
          transform.scope === 'project'
            ? discoverProjectCases(join(repo, 'fixtures'), transform.id)
            : discoverCases(join(repo, 'fixtures'), transform.id);
        expect(cases.some((c) => c.output !== undefined)).toBe(true);
        expect(cases.some((c) => c.output === undefined && c.name.startsWith('no-change-'))).toBe(true);
        for (const c of cases) if (c.output === undefined) expect(c.name).toMatch(/^no-change-/);
      });

      it('exercises every skip reason in some fixture', () => {
        const seen = new Set<string>();
        if (transform.scope === 'project') {
          // running every project case costs seconds; its own suite runs them and checks this
          // (test/<id>/fixtures.test.ts); here only that such a suite exists
          expect(existsSync(join(repo, 'test', transform.id, 'fixtures.test.ts'))).toBe(true);
          return;
        } else {
          for (const fixture of discoverCases(join(repo, 'fixtures'), transform.id)) {
            for (const site of checkCase(transform, fixture, 'lf').sites) if (site.reason) seen.add(site.reason);
          }
        }
        seen.delete(FILE_ROLE_REASON); // the engine's own reason, not the transform's catalogue
        expect([...seen].sort()).toEqual(Object.keys(transform.skipReasons).sort());
      });

      it('answers a finding of a seed review', () => {
        const seeds = Array.isArray(transform.seed) ? transform.seed : [transform.seed];
        expect(seeds.length).toBeGreaterThan(0);
        for (const seed of seeds) {
          expect(SEED_REVIEWS).toContain(seed.review);
          if (!existsSync(seedsDir)) continue; // the reviews live beside the repository, not in it
          const file = readdirSync(seedsDir).find((name) => name.startsWith(`${seed.review}_`));
          expect(file, `seed review ${seed.review}`).toBeDefined();
          const text = readFileSync(join(seedsDir, file!), 'utf8').toLowerCase();
          expect(text, `finding "${seed.finding}" in review ${seed.review}`).toContain(seed.finding.toLowerCase());
        }
      });
    });
  }
});

describe('presets', () => {
  for (const preset of listPresets()) {
    it(`${preset.name} loads with valid options and known transforms`, () => {
      const chain = resolveChain({ preset: preset.name }, registry);
      expect(chain.length).toBeGreaterThan(0);
    });
  }
});

describe('the preset JSON schema', () => {
  it('presets/preset.schema.json is generated from the zod schema (regenerate with npm run schema)', async () => {
    const { presetJsonSchema } = await import('../src/config/preset.js');
    const committed = JSON.parse(readFileSync(join(repo, 'presets', 'preset.schema.json'), 'utf8'));
    expect(committed).toEqual(presetJsonSchema());
  });
});
