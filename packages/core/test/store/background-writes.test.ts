import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { getPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { flushTraces, getTrace, init, LocalStore, shutdown, trace, withSpan } from '../../src/index.js';
import { LocalStoreDestination } from '../../src/store/local-store-destination.js';

process.env.AUTOLOG_BACKGROUND_WRITES = '1';
afterAll(() => {
  delete process.env.AUTOLOG_BACKGROUND_WRITES;
});

describe('local store writes on a writer thread', () => {
  it('writes finished traces from a thread and reads them back after flush', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'autolog-bg-')), 'traces.db');
    const { destinations } = init({ silent: true, destination: path });
    expect(destinations[0]).toBeInstanceOf(LocalStoreDestination);
    const step = trace((i: number) => i * 2, { name: 'step' });
    const request = trace(async (i: number) => withSpan(() => step(i), { name: 'inner' }), {
      name: 'request',
    });
    for (let i = 0; i < 500; i++) await request(i);
    expect(await flushTraces(60_000)).toBe(true);
    const store = new LocalStore({ path });
    const infos = store.listTraces({ limit: 1000 });
    expect(infos).toHaveLength(500);
    const one = await getTrace(infos[0].traceId);
    expect(one!.data.spans.map((s) => s.name)).toEqual(['request', 'inner', 'step']);
    store.close();
  });

  it.runIf(process.platform === 'linux')(
    'runs the writer thread at nice 10, or AUTOLOG_WRITER_NICE, leaving the app at its own priority',
    async () => {
      // The nice value of each thread of this process, from /proc (field 19 of its stat line).
      const niceOfThreads = () =>
        readdirSync('/proc/self/task').map((tid) => {
          const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
          return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
        });
      const writeOne = async (name: string) => {
        init({ silent: true, destination: join(mkdtempSync(join(tmpdir(), 'autolog-bg-')), `${name}.db`) });
        trace(() => 1, { name })();
        expect(await flushTraces(60_000)).toBe(true);
      };
      const own = getPriority(); // the process's own nice value (0 unless started with `nice`)
      await shutdown(); // the writers of earlier tests end
      expect(niceOfThreads().filter((n) => n !== own)).toEqual([]);
      await writeOne('nice-default');
      expect(niceOfThreads().filter((n) => n !== own)).toEqual(own < 10 ? [10] : []);
      expect(getPriority()).toBe(own);
      await shutdown();
      process.env.AUTOLOG_WRITER_NICE = '15';
      try {
        await writeOne('nice-15');
        expect(niceOfThreads().filter((n) => n !== own)).toEqual(own < 15 ? [15] : []);
      } finally {
        delete process.env.AUTOLOG_WRITER_NICE;
      }
    },
  );

  it('keeps memory bounded in a burst that never yields, losing nothing', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'autolog-bg-')), 'burst.db');
    init({ silent: true, destination: path });
    const work = trace((i: number) => i, { name: 'burst' });
    for (let i = 0; i < 15_000; i++) work(i);
    expect(await flushTraces(60_000)).toBe(true);
    const store = new LocalStore({ path });
    expect(store.listTraces({ limit: 20_000 })).toHaveLength(15_000);
    store.close();
  });
});
