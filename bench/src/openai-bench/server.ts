/** Starts `./server-child.ts` (the testkit OpenAI server) in a child process. */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface ChildOpenAIServer {
  /** `http://127.0.0.1:<port>/v1` */
  url: string;
  stop(): Promise<void>;
}

export async function startOpenAIServerChild(): Promise<ChildOpenAIServer> {
  const entry = fileURLToPath(new URL('./server-child.ts', import.meta.url));
  const child = fork(entry, [], {
    execArgv: ['--import', 'tsx', '--conditions=source'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.on('message', (m: { type?: string; url?: string }) => {
      if (m?.type === 'ready' && m.url) resolve(m.url);
    });
    child.once('exit', (code) => reject(new Error(`OpenAI server child exited early (code ${code})`)));
  });
  return {
    url,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      try {
        child.send({ type: 'stop' });
      } catch {
        /* already gone */
      }
      const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
      await exited;
      clearTimeout(timer);
    },
  };
}
