/**
 * The bridge into OpenTelemetry context follows the app's registration: it is on while a
 * context manager is registered and off as soon as it is disabled, with no delay.
 */
import { context as otelContext, trace as otelTrace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { otelBridgeActive, resetOtelBridge } from '../src/context.js';
import { init, MemoryDestination, shutdown, trace } from '../src/index.js';

const mem = new MemoryDestination();

beforeAll(() => {
  resetOtelBridge();
  init({ destination: mem, silent: true });
});
afterAll(async () => {
  await shutdown();
  otelContext.disable();
});

describe('OpenTelemetry bridge switch', () => {
  it('bridges only while the app has a context manager registered', async () => {
    const seen: Array<string | undefined> = [];
    const probe = trace(
      async () => {
        seen.push(otelTrace.getSpanContext(otelContext.active())?.spanId);
      },
      { name: 'probe' },
    );

    expect(otelBridgeActive()).toBe(false);
    await probe();
    expect(seen.at(-1)).toBeUndefined();

    otelContext.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    expect(otelBridgeActive()).toBe(true);
    await probe();
    // Inside an Autolog span, the app's OpenTelemetry context names that span as the parent.
    expect(seen.at(-1)).toMatch(/^[0-9a-f]{16}$/);

    otelContext.disable();
    expect(otelBridgeActive()).toBe(false);
    await probe();
    expect(seen.at(-1)).toBeUndefined();
  });
});
