import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import * as z4 from 'zod/v4';
import { type OpenAIServer, startOpenAIServer } from '../src/index.js';
import { type ClientFlavor, collect, flavors } from './clients.js';

const API_KEY = 'sk-testkit-0123456789abcdef';
const MODEL = 'gpt-4o-mini';

const weatherTool = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    description: 'Current weather for a city',
    parameters: {
      type: 'object',
      properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } },
      required: ['city', 'unit'],
      additionalProperties: false,
    },
  },
};

const Person = z.object({ name: z.string(), age: z.number().int(), tags: z.array(z.string()) });

describe.each(flavors)('with $name', (flavor: ClientFlavor) => {
  let server: OpenAIServer;
  let client: any;

  beforeAll(async () => {
    server = await startOpenAIServer({ apiKey: API_KEY });
    client = flavor.makeClient({ baseURL: server.url, apiKey: API_KEY, maxRetries: 0 });
  });
  afterAll(() => server.close());
  beforeEach(() => server.reset());

  describe('chat completions', () => {
    it('echoes the last user message and reports usage with token details', async () => {
      const completion = await client.chat.completions.create({
        model: MODEL,
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Hello there' },
        ],
      });
      expect(completion.object).toBe('chat.completion');
      expect(completion.id).toMatch(/^chatcmpl-/);
      expect(completion.choices).toHaveLength(1);
      expect(completion.choices[0]).toMatchObject({
        index: 0,
        finish_reason: 'stop',
        message: { role: 'assistant', content: 'Echo: Hello there', refusal: null },
      });
      const { usage } = completion;
      expect(usage.completion_tokens).toBe(4); // 'Echo' ':' ' Hello' ' there'
      expect(usage.total_tokens).toBe(usage.prompt_tokens + usage.completion_tokens);
      expect(usage.prompt_tokens_details.cached_tokens).toBe(0);
      expect(usage.completion_tokens_details.reasoning_tokens).toBe(0);
    });

    it('returns n choices, each numbered', async () => {
      const completion = await client.chat.completions.create({
        model: MODEL,
        n: 2,
        messages: [{ role: 'user', content: 'Hi' }],
      });
      expect(completion.choices.map((c: any) => [c.index, c.message.content])).toEqual([
        [0, 'Echo: Hi'],
        [1, 'Echo 2: Hi'],
      ]);
    });

    it('reports knobs for cached and reasoning tokens, and reasoning tokens for o-series models', async () => {
      const completion = await client.chat.completions.create(
        { model: 'o3-mini', messages: [{ role: 'user', content: 'Think about it' }] },
        { headers: { 'x-testkit-cached-tokens': '4' } },
      );
      expect(completion.usage.prompt_tokens_details.cached_tokens).toBe(4);
      expect(completion.usage.completion_tokens_details.reasoning_tokens).toBe(16);
      expect(completion.usage.completion_tokens).toBe(16 + 5); // 'Echo' ':' ' Think' ' about' ' it'
    });

    it('streams content in the requested number of chunks, ending with a usage chunk', async () => {
      const stream = await client.chat.completions.create(
        {
          model: MODEL,
          messages: [{ role: 'user', content: 'Count to five please' }],
          stream: true,
          stream_options: { include_usage: true },
        },
        { headers: { 'x-testkit-chunks': '5' } },
      );
      const chunks = await collect<any>(stream);
      // role delta + 5 content deltas + finish delta + usage chunk
      expect(chunks).toHaveLength(8);
      expect(chunks[0].choices[0].delta).toEqual({ role: 'assistant', content: '', refusal: null });
      const text = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
      expect(text).toBe('Echo: Count to five please');
      expect(chunks[6].choices[0].finish_reason).toBe('stop');
      const last = chunks[7];
      expect(last.choices).toEqual([]);
      expect(last.usage.completion_tokens).toBe(6);
      expect(chunks.slice(0, 7).every((c) => c.usage === null)).toBe(true);
      expect(server.requests[0].response).toMatchObject({
        stream: true,
        events: 9,
        finished: true,
        aborted: false,
      });
    });

    it('builds the same message through the stream helper', async () => {
      const runner = flavor.chatHelpers(client).stream(
        {
          model: MODEL,
          messages: [{ role: 'user', content: 'Stream me' }],
          stream_options: { include_usage: true },
        },
        { headers: { 'x-testkit-chunks': '3' } },
      );
      const deltas: string[] = [];
      runner.on('content', (delta: string) => deltas.push(delta));
      const final = await runner.finalChatCompletion();
      expect(deltas).toHaveLength(3);
      expect(final.choices[0].message.content).toBe('Echo: Stream me');
      expect(final.usage?.total_tokens).toBeGreaterThan(0);
    });

    it('interleaves the choices of a streamed n=2 request', async () => {
      const final = await flavor
        .chatHelpers(client)
        .stream({ model: MODEL, n: 2, messages: [{ role: 'user', content: 'Two ways' }] })
        .finalChatCompletion();
      expect(final.choices.map((c: any) => c.message.content)).toEqual([
        'Echo: Two ways',
        'Echo 2: Two ways',
      ]);
    });

    it('calls the first tool when the user asks for a tool, then answers from the tool result', async () => {
      const messages: any[] = [{ role: 'user', content: 'What is the weather in Paris? Use the tool.' }];
      const first = await client.chat.completions.create({ model: MODEL, messages, tools: [weatherTool] });
      const choice = first.choices[0];
      expect(choice.finish_reason).toBe('tool_calls');
      expect(choice.message.content).toBeNull();
      const call = choice.message.tool_calls[0];
      expect(call).toMatchObject({ type: 'function', function: { name: 'get_weather' } });
      expect(call.id).toMatch(/^call_/);
      expect(JSON.parse(call.function.arguments)).toEqual({ city: 'Paris', unit: 'celsius' });

      messages.push(choice.message, { role: 'tool', tool_call_id: call.id, content: '21 degrees' });
      const second = await client.chat.completions.create({ model: MODEL, messages, tools: [weatherTool] });
      expect(second.choices[0]).toMatchObject({
        finish_reason: 'stop',
        message: { content: 'The tool returned: 21 degrees' },
      });
    });

    it('does not call tools without the trigger word, and obeys tool_choice', async () => {
      const messages = [{ role: 'user', content: 'Just chat' }];
      const plain = await client.chat.completions.create({ model: MODEL, messages, tools: [weatherTool] });
      expect(plain.choices[0].message.tool_calls).toBeUndefined();
      const forced = await client.chat.completions.create({
        model: MODEL,
        messages,
        tools: [weatherTool],
        tool_choice: 'required',
      });
      expect(forced.choices[0].message.tool_calls[0].function.name).toBe('get_weather');
    });

    it('streams tool calls that accumulate to valid JSON arguments', async () => {
      const runner = flavor.chatHelpers(client).stream({
        model: MODEL,
        messages: [{ role: 'user', content: 'Use all tools now' }],
        tools: [
          weatherTool,
          {
            type: 'function',
            function: { name: 'get_time', parameters: { type: 'object', properties: {} } },
          },
        ],
      });
      const final = await runner.finalChatCompletion();
      const calls = final.choices[0].message.tool_calls;
      expect(final.choices[0].finish_reason).toBe('tool_calls');
      expect(calls.map((c: any) => c.function.name)).toEqual(['get_weather', 'get_time']);
      expect(JSON.parse(calls[0].function.arguments)).toEqual({ city: 'Paris', unit: 'celsius' });
      expect(JSON.parse(calls[1].function.arguments)).toEqual({});
    });

    it('runs tools to completion with runTools', async () => {
      const seen: unknown[] = [];
      const runner = flavor.chatHelpers(client).runTools({
        model: MODEL,
        messages: [{ role: 'user', content: 'Weather in Paris, use the tool' }],
        tools: [
          {
            type: 'function',
            function: {
              name: 'get_weather',
              parameters: weatherTool.function.parameters,
              parse: JSON.parse,
              function: (args: unknown) => {
                seen.push(args);
                return 'sunny';
              },
            },
          },
        ],
      });
      expect(await runner.finalContent()).toBe('The tool returned: sunny');
      expect(seen).toEqual([{ city: 'Paris', unit: 'celsius' }]);
    });

    it('returns JSON matching a json_schema response format, so parse() works', async () => {
      const completion = await flavor.chatHelpers(client).parse({
        model: MODEL,
        messages: [{ role: 'user', content: 'Describe Ada' }],
        response_format: flavor.zodResponseFormat(Person, 'person'),
      });
      expect(completion.choices[0].message.parsed).toEqual({
        name: 'Ada Lovelace',
        age: 1,
        tags: ['example tags'],
      });
    });
    it.runIf(flavor.major >= 5)('parses with a zod v4 schema (openai v5+)', async () => {
      const Reply = z4.object({ answer: z4.string(), confidence: z4.number().min(0).max(1) });
      const completion = await flavor.chatHelpers(client).parse({
        model: MODEL,
        messages: [{ role: 'user', content: 'How sure are you?' }],
        response_format: flavor.zodResponseFormat(Reply, 'reply'),
      });
      expect(completion.choices[0].message.parsed).toEqual({ answer: 'example answer', confidence: 1 });
    });

    it('cuts the reply at max_completion_tokens with finish_reason length', async () => {
      const completion = await client.chat.completions.create({
        model: MODEL,
        max_completion_tokens: 3,
        messages: [{ role: 'user', content: 'one two three four' }],
      });
      expect(completion.choices[0]).toMatchObject({
        finish_reason: 'length',
        message: { content: 'Echo: one' },
      });
      expect(completion.usage.completion_tokens).toBe(3);
    });
  });

  describe('responses', () => {
    it('returns a message with output_text and usage', async () => {
      const response = await client.responses.create({
        model: MODEL,
        input: 'Tell me a joke',
        instructions: 'Be funny',
      });
      expect(response.object).toBe('response');
      expect(response.status).toBe('completed');
      expect(response.output_text).toBe('Echo: Tell me a joke');
      expect(response.output[0]).toMatchObject({ type: 'message', role: 'assistant', status: 'completed' });
      expect(response.usage).toMatchObject({
        output_tokens: 6,
        input_tokens_details: { cached_tokens: 0 },
        output_tokens_details: { reasoning_tokens: 0 },
      });
      expect(response.usage.total_tokens).toBe(response.usage.input_tokens + 6);
      const retrieved = await client.responses.retrieve(response.id);
      expect(retrieved.id).toBe(response.id);
    });

    it('streams named events with increasing sequence numbers', async () => {
      const stream = client.responses.stream(
        { model: MODEL, input: 'Stream a reply' },
        { headers: { 'x-testkit-chunks': '4' } },
      );
      const types: string[] = [];
      const sequence: number[] = [];
      for await (const event of stream) {
        types.push(event.type);
        sequence.push(event.sequence_number);
      }
      const final = await stream.finalResponse();
      expect(types).toEqual([
        'response.created',
        'response.in_progress',
        'response.output_item.added',
        'response.content_part.added',
        ...Array(4).fill('response.output_text.delta'),
        'response.output_text.done',
        'response.content_part.done',
        'response.output_item.done',
        'response.completed',
      ]);
      expect(sequence).toEqual(sequence.map((_, i) => i));
      // openai-v4's stream helper does not derive `output_text`; read the message content.
      expect(final.output[0].content[0].text).toBe('Echo: Stream a reply');
      expect(final.usage.output_tokens).toBe(5);
    });

    it('takes the chunk count from metadata.testkit_chunks', async () => {
      const stream = await client.responses.create({
        model: MODEL,
        input: 'Split me in two',
        metadata: { testkit_chunks: '2' },
        stream: true,
      });
      const deltas = (await collect<any>(stream)).filter((e) => e.type === 'response.output_text.delta');
      expect(deltas.map((e) => e.delta)).toEqual(['Echo: Spli', 't me in two']); // near-equal character slices;
    });

    it('parses a json_schema text format', async () => {
      const response = await client.responses.parse({
        model: MODEL,
        input: 'Describe Ada',
        text: { format: flavor.zodTextFormat(Person, 'person') },
      });
      expect(response.output_parsed).toEqual({ name: 'Ada Lovelace', age: 1, tags: ['example tags'] });
    });

    it('returns function_call items when asked for a tool, and streams their arguments', async () => {
      const tools = [
        { type: 'function', name: 'get_weather', parameters: weatherTool.function.parameters, strict: true },
      ];
      const stream = client.responses.stream({ model: MODEL, input: 'Use the tool for Paris', tools });
      const deltas: string[] = [];
      stream.on('response.function_call_arguments.delta', (event: any) => deltas.push(event.delta));
      const final = await stream.finalResponse();
      const call = final.output.find((item: any) => item.type === 'function_call');
      expect(call).toMatchObject({ name: 'get_weather', status: 'completed' });
      expect(deltas.join('')).toBe(call.arguments);
      expect(JSON.parse(call.arguments)).toEqual({ city: 'Paris', unit: 'celsius' });

      const followUp = await client.responses.create({
        model: MODEL,
        input: [
          { role: 'user', content: 'Use the tool for Paris' },
          call,
          { type: 'function_call_output', call_id: call.call_id, output: 'rainy' },
        ],
        tools,
      });
      expect(followUp.output_text).toBe('The tool returned: rainy');
    });

    it('adds a reasoning item and reasoning tokens for reasoning models', async () => {
      const response = await client.responses.create({ model: 'o3-mini', input: 'Why?' });
      expect(response.output.map((item: any) => item.type)).toEqual(['reasoning', 'message']);
      expect(response.usage.output_tokens_details.reasoning_tokens).toBe(16);
    });
  });

  describe('embeddings and legacy completions', () => {
    it('returns deterministic float embeddings with usage', async () => {
      const result = await client.embeddings.create({
        model: 'text-embedding-3-small',
        input: ['alpha', 'beta'],
        encoding_format: 'float',
      });
      expect(result.data).toHaveLength(2);
      expect(result.data[0].embedding).toHaveLength(1536);
      expect(result.usage).toEqual({ prompt_tokens: 2, total_tokens: 2 });
      const again = await client.embeddings.create({
        model: 'text-embedding-3-small',
        input: 'alpha',
        encoding_format: 'float',
      });
      expect(again.data[0].embedding).toEqual(result.data[0].embedding);
    });

    it('returns base64 float32 embeddings that decode to the float ones', async () => {
      const input = 'gamma';
      const floats = await client.embeddings.create({
        model: 'text-embedding-3-small',
        input,
        dimensions: 8,
        encoding_format: 'float',
      });
      const encoded = await client.embeddings.create({
        model: 'text-embedding-3-small',
        input,
        dimensions: 8,
        encoding_format: 'base64',
      });
      const buffer = Buffer.from(encoded.data[0].embedding, 'base64');
      const decoded = Array.from(new Float32Array(buffer.buffer, buffer.byteOffset, buffer.byteLength / 4));
      expect(decoded).toEqual(floats.data[0].embedding);
      // The client's default (no encoding_format) asks for base64 on v5+ and decodes it for you.
      const byDefault = await client.embeddings.create({
        model: 'text-embedding-3-small',
        input,
        dimensions: 8,
      });
      expect(byDefault.data[0].embedding).toEqual(floats.data[0].embedding);
    });

    it('serves legacy completions, plain and streamed with usage', async () => {
      const plain = await client.completions.create({ model: 'gpt-3.5-turbo-instruct', prompt: 'Say this' });
      expect(plain.choices[0]).toMatchObject({ text: 'Echo: Say this', finish_reason: 'stop' });
      expect(plain.usage).toEqual({ prompt_tokens: 2, completion_tokens: 4, total_tokens: 6 });
      const stream = await client.completions.create({
        model: 'gpt-3.5-turbo-instruct',
        prompt: 'Say this',
        stream: true,
        stream_options: { include_usage: true },
      });
      const chunks = await collect<any>(stream);
      expect(chunks.map((c) => c.choices[0]?.text ?? '').join('')).toBe('Echo: Say this');
      expect(chunks.at(-1).usage).toEqual(plain.usage);
    });

    it('lists models', async () => {
      const ids: string[] = [];
      for await (const model of client.models.list()) ids.push(model.id);
      expect(ids).toContain('gpt-4o-mini');
    });
  });
});
