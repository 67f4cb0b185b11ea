import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DestinationStats, getExportStats, trace, withSpan } from '../../src/index.js';

/** A fresh spool path in a temp directory. */
export function tmpSpool(): string {
  return join(mkdtempSync(join(tmpdir(), 'autolog-spool-')), 'spool.db');
}

/** Finishes `n` small traces (a CHAIN root with a CHAT_MODEL child) and returns their ids. */
export function traceMany(n: number, name = 'work'): string[] {
  const ids: string[] = [];
  const work = trace(
    (i: number) => {
      withSpan(
        (s) => {
          s.setAttribute('mlflow.chat.tokenUsage', { input_tokens: 3, output_tokens: 2, total_tokens: 5 });
          ids.push(s.traceId);
          return `reply ${i}`;
        },
        {
          name: 'llm',
          spanType: 'CHAT_MODEL',
          inputs: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: `q${i}` }] },
        },
      );
      return i;
    },
    { name, spanType: 'CHAIN' },
  );
  for (let i = 0; i < n; i++) work(i);
  return ids;
}

/** Polls `check` until it returns true (or throws after `timeoutMs`). */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 15_000,
  what = 'condition',
): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Export stats of the destination called `name`. */
export function statsOf(name: string): DestinationStats {
  const stats = getExportStats().find((s) => s.destination === name);
  if (!stats) throw new Error(`no export stats for ${name}: ${JSON.stringify(getExportStats())}`);
  return stats;
}

/** Captures the diagnostic log lines while `fn` runs. */
export async function captureLogs<T>(fn: () => Promise<T>): Promise<{ result: T; lines: string[] }> {
  const { diag } = await import('../../src/diag.js');
  const lines: string[] = [];
  diag.setLogger((level, message) => lines.push(`${level}: ${message}`));
  try {
    return { result: await fn(), lines };
  } finally {
    diag.setLogger((level, message) =>
      (level === 'error' || level === 'warn' ? console.warn : console.log)(`[autolog] ${message}`),
    );
  }
}
