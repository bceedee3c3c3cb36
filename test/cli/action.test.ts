/**
 * The GitHub Action drives the CLI as documented: `harden check --format markdown --output`, the
 * comment it updates is found by the report's first line, and every flag it passes exists.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MARKDOWN_MARKER } from '../../src/output/markdown.js';
import { BIN, repo } from '../support/cli.js';
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

  it('runs harden check with the Markdown report and finds its comment by the report marker', () => {
    expect(action).toContain('"$GITHUB_ACTION_PATH/dist/bin/harden.js" "check"');
    expect(action).toContain('--format markdown --output "$report"');
    expect(action).toContain(`marker='${MARKDOWN_MARKER}'`);
  });

  it('passes only flags that harden check accepts', () => {
    const help = spawnSync(process.execPath, [BIN, 'check', '--help'], { encoding: 'utf8' }).stdout;
    const flags = new Set([...action.matchAll(/\((--[a-z-]+) "\$HARDEN/g), ...action.matchAll(/ (--(?:format|output)) /g)].map((m) => m[1]!));
    expect([...flags].sort()).toEqual(['--config', '--format', '--output', '--preset', '--transform']);
    for (const flag of flags) expect(help).toContain(flag);
  });

  it('is documented with a workflow example that uses it', () => {
    const docs = readFileSync(join(repoRoot, 'docs', 'pr-workflow.md'), 'utf8');
    expect(docs).toMatch(/uses: [\w-]+\/harden@/);
    expect(docs).toContain('pull-requests: write');
  });
});
