import { createRequire } from 'node:module';
import { isWrapped, unwrapMethod } from '@autolog/core/plugin';
import { CallbackManager } from '@langchain/core/callbacks/manager';
import { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { RunnableLambda } from '@langchain/core/runnables';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { AutologCallbackHandler, autolog, disable, langchainPlugin } from '../src/index.js';
import { memoryTracing, tree } from './helpers.js';
import { KITS } from './kits.js';

const require = createRequire(import.meta.url);
const kit = KITS[1];
const OWNER = 'autolog-langchain';

afterAll(() => disable());

describe('autolog() and disable()', () => {
  let t: ReturnType<typeof memoryTracing>;
  beforeEach(() => {
    t = memoryTracing();
  });

  it('traces runs of the ESM and the CommonJS build with no handler passed', async () => {
    const status = await autolog();
    expect(status).toMatchObject({ name: 'langchain', enabled: true, patched: [kit.version] });
    await RunnableLambda.from((x: number) => x + 1)
      .withConfig({ runName: 'esm' })
      .invoke(1);
    const cjs = require('@langchain/core/runnables');
    await cjs.RunnableLambda.from((x: number) => x + 1)
      .withConfig({ runName: 'cjs' })
      .invoke(1);
    const traces = await t.traces();
    expect(traces.map((tr) => tr.data.spans[0].name)).toEqual(['esm', 'cjs']);
  });

  it('records each run once when autolog() is called again', async () => {
    await autolog();
    await autolog({ captureContent: true });
    await new kit.FakeToolChatModel().invoke('twice?');
    expect(await t.spans()).toHaveLength(1);
  });

  it('registers through the configure hook in the caller context, with _configureSync as the fallback elsewhere', async () => {
    await autolog();
    const storage = (globalThis as any)[Symbol.for('ls:tracing_async_local_storage')];
    const lambda = RunnableLambda.from((x: number) => x).withConfig({ runName: 'hooked' });
    unwrapMethod(CallbackManager, '_configureSync', OWNER);
    try {
      // Without the fallback: traced where the hook's context reaches, not in a context of its own.
      langchainPlugin.enableSync();
      await lambda.invoke(1);
      await storage.run(undefined, () => lambda.invoke(2));
      expect((await t.traces()).map((tr) => tr.data.spans[0].inputs)).toEqual([{ input: 1 }]);
    } finally {
      disable();
    }
    await autolog();
    await storage.run(undefined, () => lambda.invoke(3));
    expect((await t.traces()).map((tr) => tr.data.spans[0].inputs)).toEqual([{ input: 1 }, { input: 3 }]);
  });

  it("keeps a run's metadata and tags where only the _configureSync fallback reaches", async () => {
    await autolog();
    const storage = (globalThis as any)[Symbol.for('ls:tracing_async_local_storage')];
    const model = new kit.FakeToolChatModel();
    const config = { metadata: { user_id: 'u-7', thread_id: 'th-1' }, tags: ['beta'] };
    await model.invoke('hi', config); // where the configure hook reaches
    await storage.run(undefined, () => model.invoke('hi', config)); // where it does not
    const [hooked, fallback] = await t.traces();
    for (const tr of [hooked, fallback]) {
      expect(tree(tr)).toBe('FakeToolChatModel (CHAT_MODEL)');
      expect(tr.info.traceMetadata).toMatchObject({
        'mlflow.trace.user': 'u-7',
        'mlflow.trace.session': 'th-1',
      });
    }
    // The model's own parameters (LangSmith's ls_* metadata) reach the span either way.
    const provider = hooked.data.spans[0].attributes['mlflow.llm.provider'];
    expect(provider).toEqual(expect.any(String));
    expect(fallback.data.spans[0].attributes['mlflow.llm.provider']).toBe(provider);
  });

  it('stops tracing and restores every patched method on disable()', async () => {
    await autolog();
    const model = new kit.FakeToolChatModel();
    await model.invoke('before');
    expect(isWrapped(CallbackManager._configureSync, OWNER)).toBe(true);
    expect(isWrapped((BaseChatModel.prototype as any)._generateUncached, OWNER)).toBe(true);
    expect(isWrapped((kit.FakeToolChatModel.prototype as any)._generate, OWNER)).toBe(true);
    disable();
    expect(isWrapped(CallbackManager._configureSync, OWNER)).toBe(false);
    expect(isWrapped((BaseChatModel.prototype as any)._generateUncached, OWNER)).toBe(false);
    expect(isWrapped((kit.FakeToolChatModel.prototype as any)._generate, OWNER)).toBe(false);
    // The configure hook autolog() registered in this context still holds the handler, inert now.
    await model.invoke('after');
    expect((await t.traces()).map((tr) => tree(tr))).toEqual(['FakeToolChatModel (CHAT_MODEL)']);
    await autolog();
    await model.invoke('again');
    expect(await t.traces()).toHaveLength(2);
  });

  it('leaves a @langchain/core outside the supported range unpatched', () => {
    expect(langchainPlugin.supportedVersions).toBe('>=0.3.0 <2');
    const copy = { ...kit.modules, manager: { CallbackManager: class {} } };
    expect(langchainPlugin.patchCopy(copy, '0.2.9')).toBe(false);
    expect(langchainPlugin.patchCopy(copy, '2.0.0')).toBe(false);
  });

  it('never throws from a handler method, whatever LangChain passes', () => {
    const handler = new AutologCallbackHandler();
    const garbage = [undefined, null, 42, 'x', {}, [], { generations: 'nope' }, { id: 7 }];
    for (const g of garbage) {
      expect(() => {
        handler.handleChainStart(g as any, g, 'r1', g as any, g as any, g as any, g as any, g as any);
        handler.handleChatModelStart(g as any, g as any, 'r2', undefined, g, g as any, g as any);
        handler.handleLLMNewToken('t', g, 'r2');
        handler.handleLLMEnd(g, 'r2');
        handler.handleToolStart(g as any, g as any, 'r3');
        handler.handleToolEnd(g, 'r3');
        handler.handleRetrieverStart(g as any, g as any, 'r4');
        handler.handleRetrieverEnd(g, 'r4');
        handler.handleAgentAction(g, 'r1');
        handler.handleAgentEnd(g, 'r1');
        handler.handleCustomEvent('e', g, 'r1');
        handler.handleChainError(g, 'r1');
        handler.handleChainEnd(g, 'unknown-run');
      }).not.toThrow();
    }
  });
});
