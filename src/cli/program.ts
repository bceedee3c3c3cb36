/**
 * The command line: commander wiring only. Each command delegates to src/cli/commands/; every
 * failure becomes an exit code (0 ok, 1 changes pending with --check, 2 error, 130 interrupted).
 */
import { Command, CommanderError, Option } from 'commander';
import { hardenVersion } from '../package-root.js';
import { applyCommand, type ApplyOptions } from './commands/apply.js';
import { explainCommand } from './commands/explain.js';
import { listCommand } from './commands/list.js';
import { EXIT, HardenError } from './errors.js';
import type { Io } from './io.js';

export async function main(argv: readonly string[], io: Io): Promise<number> {
  let code: number = EXIT.ok;
  const program = new Command('harden')
    .description('Rewrite Node.js backends to fix what code reviews keep finding.')
    .version(hardenVersion(), '-v, --version')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .showHelpAfterError('(harden --help for usage)');

  program
    .command('apply')
    .description('run transforms over files: write (default), --dry-run for a patch, --check to gate CI')
    .argument('[paths...]', 'files, directories or quoted globs (default: .)')
    .option('-p, --preset <name>', 'run the transforms of a preset, in order')
    .option('-t, --transform <ids>', 'run these transforms (comma-separated ids)')
    .option('--dry-run', 'write nothing; print a patch that git apply accepts')
    .option('--check', 'write nothing; exit 1 when anything would change')
    .option('-o, --output <file>', 'with --dry-run: write the patch to this file')
    .option('--allow-dirty', 'write even into files with uncommitted changes')
    .option('--verbose', 'list every changed and skipped site')
    .option('-j, --jobs <n>', 'worker threads for file-level work (default: available cores; 1 runs in-process)')
    .addOption(new Option('--color', 'force colour on stderr'))
    .addOption(new Option('--no-color', 'no colour'))
    .addHelpText(
      'after',
      `
Examples:
  harden apply --preset mongo-express --dry-run > harden.patch
  harden apply --transform dedupe-imports src/
  harden apply --preset mongo-express --check`,
    )
    .action(async (paths: string[], options: ApplyOptions) => {
      code = await applyCommand(paths, options, io);
    });

  program
    .command('list')
    .description('list transforms and presets')
    .action(() => {
      code = listCommand(io.stdout);
    });

  program
    .command('explain')
    .description("show a transform's documentation (what it does, when it refuses, options) or a preset's chain")
    .argument('<id>', 'transform id or preset name')
    .action((id: string) => {
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
