import { spawn } from 'node:child_process';

export interface RunScriptOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** Killed after this long (default 25 s). */
  timeoutMs?: number;
}

/**
 * Runs Node with `args` in a child process — an app that reports what it traced — and resolves
 * with the last line it printed, parsed as JSON. Rejects with the exit code and all its output
 * when that line is not JSON (the app failed or printed nothing).
 *
 * @example
 * const result = await runScriptForJson(['--import', tsx, 'fixtures/app.ts'], { cwd, env: { ...process.env, OPENAI_BASE_URL: server.url } });
 */
export function runScriptForJson(args: readonly string[], options: RunScriptOptions): Promise<any> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: options.cwd, env: options.env ?? process.env });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 25_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      try {
        resolve(JSON.parse(out.trim().split('\n').pop() ?? ''));
      } catch {
        reject(new Error(`${args[args.length - 1]} exited ${code}: ${out}\n${err}`));
      }
    });
  });
}
