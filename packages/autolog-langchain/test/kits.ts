/**
 * The `@langchain/core` versions under test, each with the same building blocks made from that
 * version's classes: a fake tool-calling chat model (deterministic, with usage and streaming),
 * a retriever, a tool, and the modules the plugin patches.
 */

import { createRequire } from 'node:module';
import * as manager1 from '@langchain/core/callbacks/manager';
import * as context1 from '@langchain/core/context';
import * as documents1 from '@langchain/core/documents';
import * as chat1 from '@langchain/core/language_models/chat_models';
import * as llms1 from '@langchain/core/language_models/llms';
import * as messages1 from '@langchain/core/messages';
import * as parsers1 from '@langchain/core/output_parsers';
import * as outputs1 from '@langchain/core/outputs';
import * as prompts1 from '@langchain/core/prompts';
import * as retrievers1 from '@langchain/core/retrievers';
import * as runnables1 from '@langchain/core/runnables';
import * as tools1 from '@langchain/core/tools';
import * as manager0 from '@langchain/core-v0/callbacks/manager';
import * as context0 from '@langchain/core-v0/context';
import * as documents0 from '@langchain/core-v0/documents';
import * as chat0 from '@langchain/core-v0/language_models/chat_models';
import * as llms0 from '@langchain/core-v0/language_models/llms';
import * as messages0 from '@langchain/core-v0/messages';
import * as parsers0 from '@langchain/core-v0/output_parsers';
import * as outputs0 from '@langchain/core-v0/outputs';
import * as prompts0 from '@langchain/core-v0/prompts';
import * as retrievers0 from '@langchain/core-v0/retrievers';
import * as runnables0 from '@langchain/core-v0/runnables';
import * as tools0 from '@langchain/core-v0/tools';
import { z } from 'zod';

const require = createRequire(import.meta.url);

interface Modules {
  context: any;
  manager: any;
  chat: any;
  llms: any;
  messages: any;
  outputs: any;
  parsers: any;
  prompts: any;
  retrievers: any;
  documents: any;
  runnables: any;
  tools: any;
}

const words = (text: string) => text.split(/(?<= )/);
const countTokens = (text: string) => text.split(/\s+/).filter(Boolean).length;

function makeKit(label: string, version: string, m: Modules) {
  const { AIMessage, AIMessageChunk } = m.messages;

  /**
   * A chat model that answers `Echo: <last user text>`, calls its first tool when the last user
   * message contains the word "tool", and after a tool message answers `The tool returned: …`.
   * Reports usage (1 token per word) and streams word by word.
   */
  class FakeToolChatModel extends m.chat.BaseChatModel {
    boundTools: Array<{ name: string }> = [];
    constructor(fields: { tools?: Array<{ name: string }>; fail?: boolean } = {}) {
      super({});
      this.boundTools = fields.tools ?? [];
      (this as any).fail = fields.fail ?? false;
    }
    _llmType() {
      return 'fake-tool-chat';
    }
    invocationParams() {
      return { model: 'fake-model-1', temperature: 0 };
    }
    reply(messages: any[]) {
      if ((this as any).fail) throw new Error('model is down');
      const last = messages[messages.length - 1];
      const type = last.getType ? last.getType() : last._getType();
      const input = messages.reduce((n: number, msg: any) => n + countTokens(String(msg.content)), 0);
      if (type === 'human' && /\btools?\b/i.test(String(last.content)) && this.boundTools.length) {
        const call = {
          id: 'call_1',
          name: this.boundTools[0].name,
          args: { query: String(last.content) },
          type: 'tool_call',
        };
        return {
          text: '',
          toolCalls: [call],
          usage: { input_tokens: input, output_tokens: 5, total_tokens: input + 5 },
        };
      }
      const text = type === 'tool' ? `The tool returned: ${last.content}` : `Echo: ${last.content}`;
      const output = countTokens(text);
      return {
        text,
        toolCalls: [],
        usage: { input_tokens: input, output_tokens: output, total_tokens: input + output },
      };
    }
    async _generate(messages: any[]) {
      const r = this.reply(messages);
      const message = new AIMessage({
        content: r.text,
        tool_calls: r.toolCalls,
        usage_metadata: r.usage,
        response_metadata: {
          model_name: 'fake-model-1-2025',
          finish_reason: r.toolCalls.length ? 'tool_calls' : 'stop',
        },
      });
      return { generations: [{ text: r.text, message }], llmOutput: {} };
    }
    async *_streamResponseChunks(messages: any[], _options: unknown, runManager?: any) {
      const r = this.reply(messages);
      for (const word of words(r.text)) {
        yield new m.outputs.ChatGenerationChunk({
          text: word,
          message: new AIMessageChunk({ content: word }),
        });
        await runManager?.handleLLMNewToken(word);
      }
      yield new m.outputs.ChatGenerationChunk({
        text: '',
        message: new AIMessageChunk({ content: '', usage_metadata: r.usage }),
      });
    }
  }

  /** A text-completion LLM reporting usage the older way, in `llmOutput.tokenUsage`. */
  class FakeTextLLM extends m.llms.BaseLLM {
    _llmType() {
      return 'fake-text';
    }
    async _generate(prompts: string[]) {
      return {
        generations: prompts.map((p) => [
          { text: `Completed: ${p}`, generationInfo: { finish_reason: 'stop' } },
        ]),
        llmOutput: { tokenUsage: { promptTokens: 3, completionTokens: 2, totalTokens: 5 } },
      };
    }
  }

  class FakeRetriever extends m.retrievers.BaseRetriever {
    lc_namespace = ['test', 'retrievers'];
    async _getRelevantDocuments(query: string) {
      return [
        new m.documents.Document({
          pageContent: `About ${query}`,
          metadata: { source: 'kb/1.md', score: 0.9 },
        }),
        new m.documents.Document({ pageContent: 'Unrelated', metadata: { source: 'kb/2.md', score: 0.1 } }),
      ];
    }
  }

  const searchTool = m.tools.tool(async ({ query }: { query: string }) => `found: ${query}`, {
    name: 'search',
    description: 'Searches the knowledge base',
    schema: z.object({ query: z.string() }),
  });

  const modules = { context: m.context, manager: m.manager, chatModels: m.chat, llms: m.llms };
  return { label, version, ...m, FakeToolChatModel, FakeTextLLM, FakeRetriever, searchTool, modules };
}

export const KITS = [
  makeKit('@langchain/core@0.3', require('@langchain/core-v0/package.json').version, {
    context: context0,
    manager: manager0,
    chat: chat0,
    llms: llms0,
    messages: messages0,
    outputs: outputs0,
    parsers: parsers0,
    prompts: prompts0,
    retrievers: retrievers0,
    documents: documents0,
    runnables: runnables0,
    tools: tools0,
  }),
  makeKit('@langchain/core@1', require('@langchain/core/package.json').version, {
    context: context1,
    manager: manager1,
    chat: chat1,
    llms: llms1,
    messages: messages1,
    outputs: outputs1,
    parsers: parsers1,
    prompts: prompts1,
    retrievers: retrievers1,
    documents: documents1,
    runnables: runnables1,
    tools: tools1,
  }),
];

export type Kit = (typeof KITS)[number];
