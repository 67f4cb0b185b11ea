import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliPath, runCli } from './helpers/run-cli.js';
import { seedStore } from './helpers/seed.js';

const COMMANDS = ['search', 'show', 'stats', 'export', 'import', 'ui'];
const { version } = createRequire(import.meta.url)('../package.json') as { version: string };

let dir: string;
let store: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'autolog-cli-conv-'));
  store = join(dir, 'traces.db');
  seedStore(store);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('help, version and usage errors', () => {
  it('lists every command, the environment and the exit codes in `autolog --help`', async () => {
    const { code, stdout, stderr } = await runCli(['--help']);
    expect(code, stderr).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toMatch(/^Usage: autolog \[options\] \[command\]/);
    for (const command of COMMANDS) expect(stdout).toMatch(new RegExp(`\\n  ${command} `));
    expect(stdout).toContain('AUTOLOG_STORE');
    expect(stdout).toContain('Exit codes: 0 ok, 1 runtime error, 2 usage error');
  });

  it.each(COMMANDS)(
    'prints usage for `autolog %s --help`, the same as `autolog help <command>`',
    async (command) => {
      const [flag, help] = await Promise.all([runCli([command, '--help']), runCli(['help', command])]);
      expect(flag.code, flag.stderr).toBe(0);
      expect(flag.stdout).toMatch(new RegExp(`^Usage: autolog ${command} `));
      expect(flag.stdout).toContain('--store <path>');
      expect(help.stdout).toBe(flag.stdout);
    },
  );

  it('prints the version', async () => {
    for (const flag of ['--version', '-V']) {
      const { code, stdout, stderr } = await runCli([flag]);
      expect(code, stderr).toBe(0);
      expect(stdout).toBe(`${version}\n`);
    }
  });

  it('exits 2 with usage on stderr for no command, an unknown command or option, or a missing argument', async () => {
    const none = await runCli([]);
    expect(none).toMatchObject({ code: 2, stdout: '' });
    expect(none.stderr).toContain('Usage: autolog');
    const typo = await runCli(['serch']);
    expect(typo.code, typo.stderr).toBe(2);
    expect(typo.stderr).toContain("error: unknown command 'serch'\n(Did you mean search?)");
    const option = await runCli(['search', '--fliter', 'x']);
    expect(option.code, option.stderr).toBe(2);
    expect(option.stderr).toContain("error: unknown option '--fliter'\n(Did you mean --filter?)");
    const argument = await runCli(['show']);
    expect(argument.code, argument.stderr).toBe(2);
    expect(argument.stderr).toContain("error: missing required argument 'traceId'");
  });
});

describe('colour', () => {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escape sequences
  const ANSI = /\x1b\[\d+m/;
  it('is off in a pipe, on with FORCE_COLOR, and never with NO_COLOR', async () => {
    const plain = await runCli(['search', '--store', store], { env: { NO_COLOR: undefined } });
    expect(plain.stdout).not.toMatch(ANSI);
    const forced = await runCli(['search', '--store', store], {
      env: { NO_COLOR: undefined, FORCE_COLOR: '1' },
    });
    expect(forced.stdout).toMatch(ANSI);
    const both = await runCli(['search', '--store', store], { env: { NO_COLOR: '1', FORCE_COLOR: '1' } });
    expect(both.stdout).not.toMatch(ANSI);
  });

  let hasScript = true;
  try {
    execFileSync('script', ['--version'], { stdio: 'ignore' });
  } catch {
    hasScript = false;
  }
  /** Runs the binary on a pseudo-terminal (util-linux `script`); stdout and stderr arrive merged. */
  const onTerminal = (args: string[], env: Record<string, string> = {}) => {
    const command = [process.execPath, cliPath(), ...args]
      .map((a) => `'${a.replace(/'/g, `'\\''`)}'`)
      .join(' ');
    const clean: NodeJS.ProcessEnv = { ...process.env, TERM: 'xterm-256color' };
    delete clean.NO_COLOR;
    delete clean.FORCE_COLOR;
    return execFileSync('script', ['-qec', command, '/dev/null'], {
      env: { ...clean, ...env },
      encoding: 'utf8',
    });
  };

  it.skipIf(!hasScript)(
    'is on for a terminal unless NO_COLOR is set; the export progress bar is drawn there',
    () => {
      expect(onTerminal(['search', '--store', store])).toMatch(ANSI);
      expect(onTerminal(['search', '--store', store], { NO_COLOR: '1' })).not.toMatch(ANSI);
      const exported = onTerminal([
        'export',
        '--to',
        join(dir, 'tty.jsonl'),
        '--batch',
        '2',
        '--store',
        store,
      ]);
      expect(exported).toMatch(/exporting █+░* \d\/8/);
      expect(exported).toContain('exported 8 traces to');
    },
  );
});

describe('autolog ui', () => {
  it('says how to install the viewer when it is missing, exit code 1', async () => {
    // The test install has the CLI and its dependencies, not the optional @autolog/viewer.
    const { code, stdout, stderr } = await runCli(['ui', '--store', store]);
    expect(code, stderr).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      'error: the viewer is not installed: install it next to the CLI with `npm install -g @autolog/viewer` (or `npm install @autolog/viewer` in your project), then run autolog ui again\n',
    );
  });
});
