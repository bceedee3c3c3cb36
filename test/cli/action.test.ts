/**
 * The GitHub Action drives the CLI as documented: `harden check --format markdown --output`, the
 * comment it updates is found by the report's first line, and every flag it passes exists;
 * `config: none` keeps the pull request's own config (code from the PR) from running; where
 * commenting is not permitted (fork pull requests), the job summary carries the report and a note,
 * and the job does not fail.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MARKDOWN_MARKER } from '../../src/output/markdown.js';
import { BIN, git, repo } from '../support/cli.js';
import { tree } from '../support/tmp.js';

const repoRoot = join(import.meta.dirname, '..', '..');
const action = readFileSync(join(repoRoot, 'action.yml'), 'utf8');

/** The `run: |` script of the step named `name`. */
function stepScript(name: string): string {
  const lines = action.split('\n');
  const start = lines.findIndex((line) => line.includes(`- name: ${name}`));
  const run = lines.findIndex((line, index) => index > start && /^\s+run: \|$/.test(line));
  const indent = /^\s*/.exec(lines[run + 1]!)![0].length;
  const body: string[] = [];
  for (const line of lines.slice(run + 1)) {
    if (line.trim() !== '' && /^\s*/.exec(line)![0].length < indent) break;
    body.push(line.slice(indent));
  }
  return body.join('\n');
}

describe('action.yml', () => {
  it('every step script is valid bash', () => {
    for (const name of ['Build harden', 'Run harden check', 'Post or update the pull-request comment', 'Fail on pending changes']) {
      const check = spawnSync('bash', ['-n'], { input: stepScript(name), encoding: 'utf8' });
      expect(check.status, `${name}: ${check.stderr}`).toBe(0);
    }
  });

  it('the check step, run as GitHub runs it, writes the report, the outputs and the job summary', () => {
    const project = repo({
      'package.json': JSON.stringify({ name: 'app' }),
      'src/a.ts': "import { a } from 'm';\nimport { b } from 'm';\nexport const c = a + b;\n",
    });
    const runner = tree({ 'output.txt': '', 'summary.md': '' });
    const result = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', stepScript('Run harden check')], {
      cwd: project,
      encoding: 'utf8',
      env: {
        ...process.env,
        GITHUB_ACTION_PATH: repoRoot,
        RUNNER_TEMP: runner,
        GITHUB_OUTPUT: join(runner, 'output.txt'),
        GITHUB_STEP_SUMMARY: join(runner, 'summary.md'),
        HARDEN_PRESET: '',
        HARDEN_TRANSFORMS: 'dedupe-imports',
        HARDEN_PATHS: 'src',
        HARDEN_CONFIG: '',
        HARDEN_SARIF: 'true',
      },
    });
    expect(result.status, result.stderr).toBe(0);
    const outputs = readFileSync(join(runner, 'output.txt'), 'utf8');
    expect(outputs).toContain('exit-code=1\n');
    expect(outputs).toContain(`report=${join(runner, 'harden-report.md')}\n`);
    expect(outputs).toContain('sarif=harden.sarif\n');
    const report = readFileSync(join(runner, 'harden-report.md'), 'utf8');
    expect(report.startsWith(MARKDOWN_MARKER)).toBe(true);
    expect(readFileSync(join(runner, 'summary.md'), 'utf8')).toBe(report);
    expect(JSON.parse(readFileSync(join(project, 'harden.sarif'), 'utf8')).runs[0].results).toHaveLength(1);
  });

  /** Runs the check step in `project` as GitHub would, with these inputs. */
  function checkStep(project: string, inputs: Record<string, string>) {
    const runner = tree({ 'output.txt': '', 'summary.md': '' });
    const result = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', stepScript('Run harden check')], {
      cwd: project,
      encoding: 'utf8',
      env: {
        ...process.env,
        GITHUB_ACTION_PATH: repoRoot,
        RUNNER_TEMP: runner,
        GITHUB_OUTPUT: join(runner, 'output.txt'),
        GITHUB_STEP_SUMMARY: join(runner, 'summary.md'),
        HARDEN_PRESET: '',
        HARDEN_TRANSFORMS: '',
        HARDEN_PATHS: '.',
        HARDEN_CONFIG: '',
        HARDEN_SARIF: 'false',
        HARDEN_SARIF_SKIPPED: 'false',
        HARDEN_CHANGED_ONLY: 'true',
        HARDEN_BASE_SHA: '',
        ...inputs,
      },
    });
    return { ...result, outputs: readFileSync(join(runner, 'output.txt'), 'utf8') };
  }

  it("runs the pull request's own config, code included, unless config is none", () => {
    const files = {
      'package.json': JSON.stringify({ name: 'app' }),
      'harden.config.json': JSON.stringify({ customTransforms: ['./tools/team.mjs'] }),
      'tools/team.mjs': "import { writeFileSync } from 'node:fs';\nwriteFileSync(new URL('../ran.txt', import.meta.url), 'the config ran');\nexport default [];\n",
      'src/a.ts': "import { a } from 'm';\nimport { b } from 'm';\nexport const c = a + b;\n",
    };
    const found = repo(files);
    const withConfig = checkStep(found, { HARDEN_TRANSFORMS: 'dedupe-imports' });
    expect(withConfig.status, withConfig.stderr).toBe(0);
    expect(existsSync(join(found, 'ran.txt'))).toBe(true);

    const none = repo(files);
    const without = checkStep(none, { HARDEN_TRANSFORMS: 'dedupe-imports', HARDEN_CONFIG: 'none', HARDEN_SARIF: 'true', HARDEN_SARIF_SKIPPED: 'true' });
    expect(without.status, without.stderr).toBe(0);
    expect(without.outputs).toContain('exit-code=1\n');
    expect(existsSync(join(none, 'ran.txt'))).toBe(false);
    expect(JSON.parse(readFileSync(join(none, 'harden.sarif'), 'utf8')).runs[0].properties.skippedSitesListed).toBe(true);
  });

  it('on a pull request, checks only the files changed since the base commit (changed-only, the default)', () => {
    const files = {
      'package.json': JSON.stringify({ name: 'app' }),
      'src/a.ts': "import { a } from 'm';\nimport { b } from 'm';\nexport const c = a + b;\n",
      'src/b.ts': "export const d = 1;\n",
    };
    const project = repo(files);
    const base = git(['rev-parse', 'HEAD'], project).trim();
    writeFileSync(join(project, 'src/b.ts'), "import { x } from 'm';\nimport { y } from 'm';\nexport const d = x + y;\n");
    git(['-c', 'user.email=t@harden', '-c', 'user.name=t', 'commit', '-qam', 'pr'], project);
    const scoped = checkStep(project, { HARDEN_TRANSFORMS: 'dedupe-imports', HARDEN_CONFIG: 'none', HARDEN_BASE_SHA: base });
    expect(scoped.status, scoped.stderr).toBe(0);
    const report = readFileSync(join(scoped.outputs.match(/report=(.*)\n/)![1]!), 'utf8');
    expect(report).toContain('src/b.ts');
    expect(report).not.toContain('src/a.ts');
    const whole = checkStep(project, { HARDEN_TRANSFORMS: 'dedupe-imports', HARDEN_CONFIG: 'none', HARDEN_BASE_SHA: base, HARDEN_CHANGED_ONLY: 'false' });
    expect(readFileSync(join(whole.outputs.match(/report=(.*)\n/)![1]!), 'utf8')).toContain('src/a.ts');
  });

  it('posts stand-alone edits as suggested changes once, from the JSON report and the pull request files', () => {
    const project = repo({
      'package.json': JSON.stringify({ name: 'app' }),
      'src/a.ts': "import { a } from 'm';\nimport { b } from 'm';\nexport const ab = a + b;\n",
    });
    const runner = tree({});
    const json = join(runner, 'harden.json');
    const check = spawnSync(process.execPath, [BIN, 'check', '-t', 'dedupe-imports', '--no-config', '--format', 'json', '--output', json, '.'], { cwd: project, encoding: 'utf8' });
    expect(check.status, check.stderr).toBe(1);
    // a fake gh: GitHub's shapes for the pull request's files and its review comments; POSTs are logged with their payload
    const bin = tree({ 'gh.log': '', 'comments.json': '[[]]' });
    const gh = join(bin, 'gh');
    const files = JSON.stringify([[{ filename: 'src/a.ts', status: 'added', patch: "@@ -0,0 +1,3 @@\n+import { a } from 'm';\n+import { b } from 'm';\n+export const ab = a + b;" }]]);
    writeFileSync(
      gh,
      `#!/usr/bin/env bash\necho "$*" >> "${join(bin, 'gh.log')}"\n` +
        `case "$*" in\n  *pulls/7/files*) echo '${files}' ;;\n  *pulls/7/comments*) cat "${join(bin, 'comments.json')}" ;;\n` +
        `  *pulls/7/reviews*) input="\${@: -1}"; cat "$input" > "${join(bin, 'review.json')}"; cat "$input" | node -e "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>{const r=JSON.parse(s);require('fs').writeFileSync('${join(bin, 'comments.json')}',JSON.stringify([r.comments]))})" ;;\nesac\n`,
    );
    chmodSync(gh, 0o755);
    const step = () =>
      spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', stepScript('Suggest changes in a pull-request review')], {
        cwd: project,
        encoding: 'utf8',
        env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, GITHUB_ACTION_PATH: repoRoot, RUNNER_TEMP: runner, GH_TOKEN: 'token', JSON_REPORT: json, PR: '7', REPO: 'team/app', HEAD_REPO: 'team/app' },
      });
    const first = step();
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toContain('posted suggested changes');
    const review = JSON.parse(readFileSync(join(bin, 'review.json'), 'utf8'));
    expect(review.comments.map((c: { path: string; start_line: number; line: number }) => [c.path, c.start_line, c.line])).toEqual([['src/a.ts', 1, 2]]);
    expect(review.comments[0].body).toContain("```suggestion\nimport { a, b } from 'm';\n```");
    // the next push: already suggested, nothing is posted again
    const second = step();
    expect(second.status, second.stderr).toBe(0);
    expect(second.stdout).toContain('no new suggested change');
    expect(readFileSync(join(bin, 'gh.log'), 'utf8').match(/-X POST repos\/team\/app\/pulls\/7\/reviews/g)).toHaveLength(1);
  });

  describe('the comment step', () => {
    /** Runs the comment step with a fake `gh` that logs its arguments and fails with 403 when `fail` matches them. */
    function commentStep(env: Record<string, string>, fail?: RegExp) {
      const bin = tree({ 'gh.log': '' });
      const gh = join(bin, 'gh');
      writeFileSync(
        gh,
        `#!/usr/bin/env bash\necho "$*" >> "${join(bin, 'gh.log')}"\n` +
          (fail ? `pattern='${fail.source}'\nif [[ "$*" =~ $pattern ]]; then echo 'HTTP 403: Resource not accessible by integration' >&2; exit 1; fi\n` : ''),
      );
      chmodSync(gh, 0o755);
      const runner = tree({ 'summary.md': '# report\n', 'report.md': `${MARKDOWN_MARKER}\nreport\n` });
      const result = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', stepScript('Post or update the pull-request comment')], {
        encoding: 'utf8',
        env: {
          ...process.env,
          PATH: `${bin}:${process.env.PATH}`,
          GITHUB_STEP_SUMMARY: join(runner, 'summary.md'),
          GH_TOKEN: 'token',
          REPORT: join(runner, 'report.md'),
          CODE: '1',
          PR: '7',
          REPO: 'team/app',
          HEAD_REPO: 'team/app',
          ...env,
        },
      });
      return { ...result, gh: readFileSync(join(bin, 'gh.log'), 'utf8'), summary: readFileSync(join(runner, 'summary.md'), 'utf8') };
    }

    it('posts the report on a pull request from the same repository', () => {
      const result = commentStep({});
      expect(result.status, result.stderr).toBe(0);
      expect(result.gh).toMatch(/^api repos\/team\/app\/issues\/7\/comments --paginate/m);
      expect(result.gh).toMatch(/^api -X POST repos\/team\/app\/issues\/7\/comments -F body=@/m);
      expect(result.stdout).toContain('posted the report');
      expect(result.summary).toBe('# report\n');
    });

    it('on a fork pull request, does not try to comment: a note in the job summary, a warning, success', () => {
      const result = commentStep({ HEAD_REPO: 'someone/app' });
      expect(result.status, result.stderr).toBe(0);
      expect(result.gh).toBe('');
      expect(result.stdout).toContain('::warning::harden did not comment on the pull request: the pull request comes from a fork (someone/app)');
      expect(result.summary).toMatch(/^# report\n\n> harden did not comment on this pull request: the pull request comes from a fork \(someone\/app\), whose token cannot comment\. This summary is the report\.\n$/);
    });

    it('when the token may not comment (403), falls back to the job summary instead of failing', () => {
      const result = commentStep({}, /-X POST/);
      expect(result.status, result.stderr).toBe(0);
      expect(result.stdout).not.toContain('posted the report');
      expect(result.summary).toContain('> harden did not comment on this pull request: posting the comment was not permitted (the token needs pull-requests: write)');

      const unreadable = commentStep({}, /--paginate/);
      expect(unreadable.status, unreadable.stderr).toBe(0);
      expect(unreadable.gh).not.toContain('POST');
      expect(unreadable.summary).toContain('reading the comments failed');
    });
  });

  it('runs harden check with the Markdown report and finds its comment by the report marker', () => {
    expect(action).toContain('"$GITHUB_ACTION_PATH/dist/bin/harden.js" "check"');
    expect(action).toContain('--format markdown --output "$report"');
    expect(action).toContain(`marker='${MARKDOWN_MARKER}'`);
  });

  it('passes only flags that harden check accepts', () => {
    const help = spawnSync(process.execPath, [BIN, 'check', '--help'], { encoding: 'utf8' }).stdout;
    const flags = new Set(
      [...action.matchAll(/\((--[a-z-]+)(?: "\$HARDEN|\))/g), ...action.matchAll(/ (--(?:format|output)) /g)].map((m) => m[1]!),
    );
    expect([...flags].sort()).toEqual(['--changed-since', '--config', '--format', '--no-config', '--output', '--preset', '--sarif-skipped', '--transform']);
    for (const flag of flags) expect(help).toContain(flag);
  });

  it('is documented with a workflow example that uses it', () => {
    const docs = readFileSync(join(repoRoot, 'docs', 'pr-workflow.md'), 'utf8');
    expect(docs).toMatch(/uses: [\w-]+\/harden@/);
    expect(docs).toContain('pull-requests: write');
    expect(docs).toContain('config: none');
    expect(docs).toMatch(/fork/);
  });
});
