/**
 * Decisions that stick and runs scoped to a pull request (issue 19): `harden-ignore-next-line` /
 * `harden-ignore-file` comments leave the sites they name alone (reported as skipped, reason
 * `ignored`, with the comment's own why), and `--changed-since <ref>` rewrites only the files
 * changed since that commit while the whole project still informs the analysis.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ignoreComments } from '../../src/engine/sites.js';
import { git, harden, repo } from '../support/cli.js';

const manifest = `${JSON.stringify({ name: 'app', private: true, scripts: { start: 'node src/server.js' } }, null, 2)}\n`;
const handler = (name: string) =>
  [
    `async function ${name}(req, res) {`,
    '  try {',
    '    res.json(await load());',
    '  } catch (err) {',
    `    console.error('${name} failed', err);`,
    '    res.status(500).end();',
    '  }',
    '}',
    `module.exports = { ${name} };`,
    '',
  ].join('\n');

interface JsonSite {
  file: string;
  line: number;
  kind: string;
  reason?: string;
  detail?: string;
}
const sitesOf = (stdout: string) => (JSON.parse(stdout) as { sites: JsonSite[] }).sites;

describe('ignore comments', () => {
  it('parses next-line and file comments, ids, reasons and block comments', () => {
    const source = [
      '// harden-ignore-next-line console-to-logger, fs-sync-to-async -- printed for the deploy script',
      'console.log(1);',
      '/* harden-ignore-next-line */ ',
      'x();',
      'y();',
    ].join('\n');
    const ignores = ignoreComments(source)!;
    expect(ignores.find('console-to-logger', 2)).toEqual({ line: 1, why: 'printed for the deploy script' });
    expect(ignores.find('fs-sync-to-async', 2)).toEqual({ line: 1, why: 'printed for the deploy script' });
    expect(ignores.find('mongoose-lean', 2)).toBeUndefined();
    expect(ignores.find('mongoose-lean', 4)).toEqual({ line: 3, why: undefined });
    expect(ignores.find('mongoose-lean', 5)).toBeUndefined();
    expect(ignoreComments('// harden-ignore-file mongoose-lean\n')!.find('mongoose-lean', 40)).toEqual({ line: 1, why: undefined });
    expect(ignoreComments('const a = 1;\n')).toBeUndefined();
  });

  it('a rejected change stays out on every run: the site is skipped as ignored, with the comment’s reason', () => {
    const ignored = handler('list').replace(
      "    console.error('list failed', err);",
      "    // harden-ignore-next-line console-to-logger -- the platform collects stderr\n    console.error('list failed', err);",
    );
    const root = repo({ 'package.json': manifest, 'src/list.js': ignored, 'src/show.js': handler('show') });
    const dry = harden(['apply', '-t', 'console-to-logger', '--dry-run', '--format', 'json', '.'], root);
    expect(dry.status, dry.stderr).toBe(0);
    const sites = sitesOf(dry.stdout);
    expect(sites.find((s) => s.file === 'src/list.js')).toMatchObject({ kind: 'skipped', reason: 'ignored', line: 6, detail: 'the platform collects stderr' });
    expect(sites.find((s) => s.file === 'src/show.js')).toMatchObject({ kind: 'changed' });

    const write = harden(['apply', '-t', 'console-to-logger', '--no-install', '.'], root);
    expect(write.status, write.stderr).toBe(0);
    expect(readFileSync(join(root, 'src/list.js'), 'utf8')).toBe(ignored);
    git(['add', '-A'], root);
    git(['-c', 'user.email=t@harden', '-c', 'user.name=t', 'commit', '-qm', 'harden'], root);
    // nothing comes back: --check is green
    const check = harden(['check', '-t', 'console-to-logger', '.'], root);
    expect(check.status, check.stderr).toBe(0);
  });
});

describe('--changed-since', () => {
  it('reports and rewrites only the files of the last commit', () => {
    const root = repo({ 'package.json': manifest, 'src/list.js': handler('list'), 'src/show.js': handler('show') });
    writeFileSync(join(root, 'src/show.js'), handler('show').replace('show failed', 'show: failed'));
    git(['-c', 'user.email=t@harden', '-c', 'user.name=t', 'commit', '-qam', 'touch show'], root);
    const dry = harden(['apply', '-t', 'console-to-logger', '--changed-since', 'HEAD~1', '--dry-run', '--format', 'json', '.'], root);
    expect(dry.status, dry.stderr).toBe(0);
    expect([...new Set(sitesOf(dry.stdout).map((s) => s.file))]).toEqual(['src/show.js']);

    const everything = harden(['apply', '-t', 'console-to-logger', '--dry-run', '--format', 'json', '.'], root);
    expect([...new Set(sitesOf(everything.stdout).map((s) => s.file))].sort()).toEqual(['src/list.js', 'src/show.js']);
  });

  it('an unknown ref is a usage error, and project-level transforms are refused', () => {
    const root = repo({ 'package.json': manifest, 'src/list.js': handler('list') });
    const unknown = harden(['check', '-t', 'console-to-logger', '--changed-since', 'no-such-ref', '.'], root);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('--changed-since no-such-ref: "no-such-ref" is not a commit git knows here');
    const split = harden(['check', '-t', 'split-god-service', '--changed-since', 'HEAD', '.'], root);
    expect(split.status).toBe(2);
    expect(split.stderr).toContain('--changed-since does not apply to split-god-service');
  });
});

describe('harden baseline', () => {
  it('check is green after `harden baseline`; a site comes back when its code changes; --no-baseline sees everything', () => {
    const root = repo({ 'package.json': manifest, 'src/list.js': handler('list'), 'src/show.js': handler('show') });
    expect(harden(['check', '-t', 'console-to-logger', '.'], root).status).toBe(1);

    const record = harden(['baseline', '-t', 'console-to-logger', '.'], root);
    expect(record.status, record.stderr).toBe(0);
    expect(record.stderr).toContain('2 change(s) recorded in .harden-baseline.json');
    const baseline = JSON.parse(readFileSync(join(root, '.harden-baseline.json'), 'utf8'));
    expect(baseline.entries.map((e: { file: string; line: number }) => `${e.file}:${e.line}`)).toEqual(['src/list.js:5', 'src/show.js:5']);
    // nothing was rewritten by recording
    expect(readFileSync(join(root, 'src/list.js'), 'utf8')).toBe(handler('list'));

    const green = harden(['check', '-t', 'console-to-logger', '--format', 'json', '.'], root);
    expect(green.status, green.stderr).toBe(0);
    expect(sitesOf(green.stdout).map((s) => s.reason)).toEqual(['baselined', 'baselined']);

    // code added above a baselined site does not bring it back; editing the site does
    writeFileSync(join(root, 'src/list.js'), `// list handler\n\n${handler('list')}`);
    expect(harden(['check', '-t', 'console-to-logger', '.'], root).status).toBe(0);
    writeFileSync(join(root, 'src/show.js'), handler('show').replace("'show failed'", "'show: failed'"));
    const back = harden(['check', '-t', 'console-to-logger', '--format', 'json', '.'], root);
    expect(back.status).toBe(1);
    expect(sitesOf(back.stdout).filter((s) => s.kind === 'changed').map((s) => s.file)).toEqual(['src/show.js']);

    const all = harden(['check', '-t', 'console-to-logger', '--no-baseline', '--format', 'json', '.'], root);
    expect(sitesOf(all.stdout).filter((s) => s.kind === 'changed')).toHaveLength(2);
  });

  it('a baseline file that is not one is a usage error', () => {
    const root = repo({ 'package.json': manifest, 'src/list.js': handler('list'), '.harden-baseline.json': '{"entries": 3}' });
    const run = harden(['check', '-t', 'console-to-logger', '.'], root);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('.harden-baseline.json is not a harden baseline');
  });
});
