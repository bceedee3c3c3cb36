/**
 * The command line: commander wiring only. Each command delegates to src/cli/commands/; every
 * failure becomes an exit code (0 ok, 1 changes pending with --check, 2 error, 130 interrupted by SIGINT, 143 by SIGTERM: bin/harden.ts maps it).
 * The commands are imported when they run, so `--version` and `--help` load neither the engine
 * nor the transforms (jscodeshift, recast, Babel, zod).
 */
import { Command, CommanderError, Option } from 'commander';
import { hardenVersion } from '../package-root.js';
import type { ApplyOptions } from './commands/apply.js';
import { EXIT, HardenError } from '../errors.js';
import type { Io } from './io.js';

export async function main(argv: readonly string[], io: Io): Promise<number> {
  let code: number = EXIT.ok;
  const program = new Command('harden')
    .description('Rewrite Node.js backends to fix what code reviews keep finding.')
    .version(hardenVersion(), '-v, --version')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .showHelpAfterError('(harden --help for usage)');

  withRunOptions(
    program
      .command('apply')
      .description('run transforms over files: write (default), --interactive to review first, --dry-run for a patch, --check to gate CI'),
  )
    .option('-i, --interactive', 'review each change at the terminal, then write only the accepted ones')
    .option('--dry-run', 'write nothing; print a patch that git apply accepts')
    .option('--check', 'write nothing; exit 1 when anything would change')
    .option('--allow-dirty', 'write even into files with uncommitted changes')
    .option('--no-install', "after editing a package.json, print the lockfile command instead of running it (npm install --package-lock-only, pnpm install --lockfile-only)")
    .addHelpText(
      'after',
      `
Examples:
  harden apply --preset mongo-express --dry-run > harden.patch
  harden apply -i --preset mongo-express src/
  harden apply --transform dedupe-imports src/
  harden apply --preset mongo-express --check --format sarif -o harden.sarif`,
    )
    .action(async (paths: string[], options: ApplyOptions) => {
      const { applyCommand } = await import('./commands/apply.js');
      code = await applyCommand(paths, options, io);
    });

  withRunOptions(program.command('check').description('write nothing; report what would change and exit 1 when anything would (for CI)'))
    .addHelpText(
      'after',
      `
Examples:
  harden check --preset mongo-express
  harden check --format markdown --output harden-report.md
  harden check --format sarif --output harden.sarif`,
    )
    .action(async (paths: string[], options: ApplyOptions) => {
      const { applyCommand } = await import('./commands/apply.js');
      code = await applyCommand(paths, { ...options, check: true }, io);
    });

  withRunOptions(
    program
      .command('baseline')
      .description('record every change the run would make in .harden-baseline.json: apply and check then leave them alone until the code there changes'),
  )
    .addHelpText(
      'after',
      `
Examples:
  harden baseline --preset mongo-express      # then commit .harden-baseline.json
  harden check --preset mongo-express         # green: only new findings count`,
    )
    .action(async (paths: string[], options: ApplyOptions) => {
      const { applyCommand } = await import('./commands/apply.js');
      code = await applyCommand(paths, { ...options, writeBaseline: true, baseline: false }, io);
    });

  program
    .command('list')
    .description('list transforms and presets')
    .action(async () => {
      const { listCommand } = await import('./commands/list.js');
      code = listCommand(io.stdout);
    });

  program
    .command('suggestions')
    .description('turn a JSON report into a GitHub pull-request review of suggested changes (for CI; see docs/pr-workflow.md)')
    .argument('<report>', 'the JSON report of harden check --format json')
    .argument('<files>', "the pull request's files as GitHub lists them (GET /repos/{owner}/{repo}/pulls/{n}/files)")
    .argument('[comments]', "the pull request's review comments (GET .../pulls/{n}/comments): suggestions an earlier run posted are not posted again")
    .action(async (report: string, files: string, comments: string | undefined) => {
      const { suggestionsCommand } = await import('./commands/suggestions.js');
      code = suggestionsCommand(report, files, comments, io);
    });

  program
    .command('explain')
    .description("show a transform's documentation (what it does, when it refuses, options) or a preset's chain")
    .argument('<id>', 'transform id or preset name')
    .action(async (id: string) => {
      const { explainCommand } = await import('./commands/explain.js');
      code = explainCommand(id, io.stdout);
    });

  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      return ['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(error.code) ? EXIT.ok : EXIT.error;
    }
    if (error instanceof HardenError) {
      io.stderr.write(`harden: ${error.message}\n${error.hint ? `hint: ${error.hint}\n` : ''}`);
      return error.exitCode;
    }
    io.stderr.write(`harden: internal error: ${(error as Error).stack ?? String(error)}\n`);
    return EXIT.error;
  }
  return code;
}

/** The options every run shares: what to run, which config, which report. */
function withRunOptions(command: Command): Command {
  return command
    .argument('[paths...]', 'files, directories or quoted globs (default: .)')
    .option('-p, --preset <name>', 'run the transforms of a preset, in order')
    .option('-t, --transform <ids>', 'run these transforms (comma-separated ids)')
    .option('-c, --config <path>', 'use this config file instead of searching from the target upward')
    .option('--no-config', 'use no config file')
    .addOption(new Option('-f, --format <format>', 'report format on stdout').choices(['text', 'markdown', 'json', 'sarif']))
    .option('-o, --output <file>', 'write the report (or the --dry-run patch) to this file instead of stdout')
    .option('--sarif-skipped', 'with --format sarif: list skipped sites as results too (level note); default: changes only')
    .option('--verbose', 'list every changed and skipped site')
    .option('--no-baseline', 'ignore .harden-baseline.json (see harden baseline)')
    .option('--changed-since <ref>', 'only files changed since this git ref (and new files); the rest of the project still informs the analysis')
    .option('--verify', "type-check the project (its own tsconfig and TypeScript) before and after, in memory; drop change sets that add type errors")
    .option('-j, --jobs <n>', 'worker threads for file-level work (default: the cores when there are 4 or more, else 1 = in-process)')
    .addOption(new Option('--color', 'force colour on stderr'))
    .addOption(new Option('--no-color', 'no colour'));
}
