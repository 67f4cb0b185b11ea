/**
 * The `autolog` command line: commander's program with every command, and `run`, which parses
 * argv, runs the command and returns the exit code (0 ok, 1 runtime error, 2 usage error).
 */
import { createRequire } from 'node:module';
import { Command, CommanderError } from 'commander';
import { registerExport } from './commands/export.js';
import { registerImport } from './commands/import.js';
import { registerSearch } from './commands/search.js';
import { registerShow } from './commands/show.js';
import { registerStats } from './commands/stats.js';
import { registerUi } from './commands/ui.js';
import { describeError, EXIT_OK, EXIT_USAGE, exitCodeOf } from './errors.js';
import { type CliIo, Output } from './output.js';

const { version } = createRequire(import.meta.url)('../package.json') as { version: string };

const ENVIRONMENT = `
Environment:
  AUTOLOG_STORE   the local trace store (default ./.autolog/traces.db)
  AUTOLOG_DEBUG   print the stack trace of an unexpected error
  NO_COLOR        no colour, even on a terminal (FORCE_COLOR=1 colours a pipe)

Exit codes: 0 ok, 1 runtime error, 2 usage error (including a bad filter).`;

/**
 * The program, writing to `io`. Commands throw; `run` turns errors into messages and exit codes.
 *
 * @example
 * const program = createProgram({ stdout: process.stdout, stderr: process.stderr, env: process.env });
 * program.commands.map((c) => c.name()); // ['search', 'show', 'stats', 'export', 'import', 'ui']
 */
export function createProgram(io: CliIo): Command {
  const out = new Output(io);
  const program = new Command('autolog')
    .description('Search, inspect, analyse and export the traces your app recorded with Autolog.')
    .version(version, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .helpCommand('help [command]', 'show help for a command')
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      outputError: (text, write) => write(out.errColour.red(text)),
    })
    .showHelpAfterError('(add --help for usage)')
    .exitOverride();
  program.addHelpText('after', ENVIRONMENT);
  registerSearch(program, out);
  registerShow(program, out);
  registerStats(program, out);
  registerExport(program, out);
  registerImport(program, out);
  registerUi(program, out);
  return program;
}

/**
 * Runs `autolog` with `argv` (the arguments after the program name) and resolves to the exit
 * code. Never throws: errors are printed to `io.stderr`.
 *
 * @example
 * process.exitCode = await run(process.argv.slice(2));
 */
export async function run(
  argv: readonly string[],
  io: CliIo = { stdout: process.stdout, stderr: process.stderr, env: process.env },
): Promise<number> {
  const program = createProgram(io);
  if (argv.length === 0) {
    program.outputHelp({ error: true });
    return EXIT_USAGE;
  }
  // Core's exporters unref their sockets (they must never hold an app open), so nothing else
  // keeps the event loop alive while an export waits on the network.
  const keepAlive = setInterval(() => {}, 2 ** 30);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT_OK;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version exit 0; every other commander error is a usage error it has printed.
      return error.code === 'commander.helpDisplayed' ||
        error.code === 'commander.version' ||
        error.exitCode === 0
        ? EXIT_OK
        : EXIT_USAGE;
    }
    const out = new Output(io);
    const [first, ...rest] = describeError(error);
    out.log(`${out.errColour.red('error:')} ${first}`);
    for (const line of rest) out.log(line);
    // AUTOLOG_DEBUG=1 shows where an error came from.
    if (io.env.AUTOLOG_DEBUG && error instanceof Error && error.stack)
      out.log(out.errColour.dim(error.stack));
    return exitCodeOf(error);
  } finally {
    clearInterval(keepAlive);
  }
}
