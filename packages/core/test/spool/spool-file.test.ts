import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { SpoolFile } from '../../src/spool/spool-file.js';
import { driverPackageFor } from '../../src/store/sqlite-driver.js';
import type { TraceRecord } from '../../src/types.js';
import { tmpSpool } from '../destinations/helpers.js';

function record(id: string, payload = ''): TraceRecord {
  return {
    info: {
      traceId: id,
      experimentId: '0',
      requestTime: 1,
      executionDuration: 1,
      state: 'OK',
      traceMetadata: {},
      tags: {},
      assessments: [],
    },
    data: {
      spans: [
        {
          traceId: id,
          spanId: '0000000000000001',
          parentId: null,
          name: 'root',
          spanType: 'CHAIN',
          startTimeNs: 1,
          endTimeNs: 2,
          status: { code: 'OK' },
          inputs: payload,
          attributes: {},
          events: [],
        },
      ],
    },
  };
}

describe('spool file', () => {
  it('is not created until something is spooled', () => {
    const path = tmpSpool();
    const spool = new SpoolFile(path, { maxBytes: 1e6 });
    expect(spool.pendingCount('d')).toBe(0);
    expect(spool.claim('d', 10)).toEqual([]);
    expect(existsSync(path)).toBe(false);
  });

  it('keeps traces per destination, oldest first, until they are removed', () => {
    const spool = new SpoolFile(tmpSpool(), { maxBytes: 1e6 });
    spool.append('a', [record('tr-1'), record('tr-2')]);
    spool.append('b', [record('tr-3')]);
    expect(spool.pendingCount('a')).toBe(2);
    const claimed = spool.claim('a', 10);
    expect(claimed.map((c) => c.record.info.traceId)).toEqual(['tr-1', 'tr-2']);
    expect(claimed[0].record).toEqual(record('tr-1'));
    expect(spool.claim('a', 10)).toEqual([]); // claimed by us already
    spool.release([claimed[1].id]);
    spool.remove([claimed[0].id]);
    expect(spool.claim('a', 10).map((c) => c.record.info.traceId)).toEqual(['tr-2']);
    expect(spool.pendingCount('b')).toBe(1);
    spool.close();
  });

  it('evicts the oldest unclaimed traces past maxBytes and reports how many per destination', () => {
    const spool = new SpoolFile(tmpSpool(), { maxBytes: 3000 });
    const evicted: number[] = [];
    spool.onEvicted('a', (n) => evicted.push(n));
    spool.append('a', [record('tr-1', 'x'.repeat(900)), record('tr-2', 'x'.repeat(900))]);
    spool.append('a', [record('tr-3', 'x'.repeat(900)), record('tr-4', 'x'.repeat(900))]);
    expect(evicted.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(1);
    const left = spool.claim('a', 10).map((c) => c.record.info.traceId);
    expect(left.at(-1)).toBe('tr-4');
    expect(left).not.toContain('tr-1');
    spool.close();
  });

  it('takes over the claims of a process that died, but not those of a live one', async () => {
    const path = tmpSpool();
    const first = new SpoolFile(path, { maxBytes: 1e6 });
    first.append('a', [record('tr-1'), record('tr-2')]);
    first.close();
    // A process claims tr-1 and stays alive; another claims tr-2 and dies without releasing it.
    const claim = (id: string, stay: boolean) => `
      const Database = require(${JSON.stringify(createRequire(import.meta.url).resolve(driverPackageFor(Number(process.versions.napi))))});
      const db = new Database(${JSON.stringify(path)});
      db.prepare("UPDATE spool SET owner = ?, owner_pid = ? WHERE body LIKE ?").run(require('os').hostname() + ':' + process.pid + ':x', process.pid, '%${id}%');
      console.log('claimed');
      ${stay ? 'setTimeout(() => {}, 20000);' : ''}`;
    expect(spawnSync(process.execPath, ['-e', claim('tr-2', false)]).status).toBe(0);
    const live = spawn(process.execPath, ['-e', claim('tr-1', true)]);
    try {
      await new Promise((resolve) => live.stdout.once('data', resolve));
      const second = new SpoolFile(path, { maxBytes: 1e6 });
      expect(second.claim('a', 10).map((c) => c.record.info.traceId)).toEqual(['tr-2']);
      second.close();
    } finally {
      live.kill();
    }
  });

  it('holds no credentials: only the trace records are written', () => {
    const path = tmpSpool();
    const spool = new SpoolFile(path, { maxBytes: 1e6 });
    spool.append('mlflow:http://127.0.0.1:5000|experiment id 0', [record('tr-1', 'hello')]);
    spool.close();
    const bytes =
      readFileSync(path).toString('latin1') +
      (existsSync(`${path}-wal`) ? readFileSync(`${path}-wal`).toString('latin1') : '');
    expect(bytes).toContain('hello');
    expect(bytes).not.toMatch(/authorization|bearer|password/i);
  });
});
