/**
 * Runs the built `autolog` binary in a child process, as a user would.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { inject } from 'vitest';

/** The installed binary (see `build.global-setup.ts`). */
export function cliPath(install = inject('cliInstall')): string {
  return join(install, 'node_modules', '@autolog', 'cli', 'dist', 'cli.js');
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  input?: string;
  timeoutMs?: number;
  /** Another copy of the binary (default: the one the global setup installed). */
  cli?: string;
}

/** Runs `autolog args…` to its end. */
export function runCli(args: readonly string[], options: RunOptions = {}): Promise<CliResult> {
  return startCli(args, options).done;
}

/** Starts `autolog args…`; `done` resolves when it has exited. */
export function startCli(
  args: readonly string[],
  options: RunOptions = {},
): { child: ChildProcess; done: Promise<CliResult> } {
  let child!: ChildProcess;
  const done = new Promise<CliResult>((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', ...options.env };
    for (const key of [
      'AUTOLOG_STORE',
      'FORCE_COLOR',
      'MLFLOW_TRACKING_URI',
      'MLFLOW_EXPERIMENT_ID',
      'MLFLOW_EXPERIMENT_NAME',
      'OTEL_EXPORTER_OTLP_ENDPOINT',
      'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
    ]) {
      if (!options.env || !(key in options.env)) delete env[key];
    }
    for (const [key, value] of Object.entries(env)) if (value === undefined) delete env[key];
    child = spawn(process.execPath, [options.cli ?? cliPath(), ...args], {
      cwd: options.cwd,
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d) => (stdout += d));
    child.stderr?.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 20_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin?.end(options.input ?? '');
  });
  return { child, done };
}
