import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type OpenAIServer, startOpenAIServer } from '../src/index.js';
import { type ClientFlavor, flavors } from './clients.js';

describe.each(flavors)('Azure OpenAI with $name', (flavor: ClientFlavor) => {
  const azureKey = 'azure-key-0123456789';
  let azureServer: OpenAIServer;
  let azure: any;

  beforeAll(async () => {
    azureServer = await startOpenAIServer({ apiKey: azureKey });
    azure = flavor.makeAzure({
      endpoint: azureServer.azureEndpoint,
      apiVersion: '2025-03-01-preview',
      deployment: 'my-gpt4o',
      apiKey: azureKey,
      maxRetries: 0,
    });
  });
  afterAll(() => azureServer.close());
  beforeEach(() => azureServer.reset());

  it('serves chat on the deployment path with the api-key header and filter results', async () => {
    const completion = await azure.chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'Hi Azure' }],
    });
    expect(completion.choices[0].message.content).toBe('Echo: Hi Azure');
    expect(completion.prompt_filter_results[0].content_filter_results.hate).toEqual({
      filtered: false,
      severity: 'safe',
    });
    expect(completion.choices[0].content_filter_results.violence.filtered).toBe(false);
    const recorded = azureServer.requests.at(-1)!;
    expect(recorded.path).toBe('/openai/deployments/my-gpt4o/chat/completions');
    expect(recorded.query['api-version']).toBe('2025-03-01-preview');
    expect(recorded.headers['api-key']).toBe('[present]');
    expect(recorded.azure).toMatchObject({ deployment: 'my-gpt4o' });
  });

  it('streams chat with a leading prompt_filter_results chunk', async () => {
    const final = await flavor
      .chatHelpers(azure)
      .stream({
        model: 'gpt-4o',
        messages: [{ role: 'user', content: 'Stream Azure' }],
        stream_options: { include_usage: true },
      })
      .finalChatCompletion();
    expect(final.choices[0].message.content).toBe('Echo: Stream Azure');
  });

  it('serves responses at /openai/responses', async () => {
    const response = await azure.responses.create({ model: 'my-gpt4o', input: 'Hi responses' });
    expect(response.output_text).toBe('Echo: Hi responses');
    expect(azureServer.requests.at(-1)!.path).toBe('/openai/responses');
  });

  it('retries Azure’s 429 using retry-after-ms', async () => {
    const retrying = flavor.makeAzure({
      endpoint: azureServer.azureEndpoint,
      apiVersion: '2024-10-21',
      deployment: 'my-gpt4o',
      apiKey: azureKey,
      maxRetries: 1,
    });
    azureServer.failNext({ status: 429, retryAfter: 0.05 });
    const result = await retrying.embeddings.create({
      model: 'text-embedding-3-small',
      input: 'x',
      encoding_format: 'float',
    });
    expect(result.data[0].embedding).toHaveLength(1536);
    expect(azureServer.requests.slice(-2).map((r) => [r.path, r.response.status])).toEqual([
      ['/openai/deployments/my-gpt4o/embeddings', 429],
      ['/openai/deployments/my-gpt4o/embeddings', 200],
    ]);
  });

  it('answers a wrong key with Azure’s 401', async () => {
    const wrong = flavor.makeAzure({
      endpoint: azureServer.azureEndpoint,
      apiVersion: '2024-10-21',
      apiKey: 'nope-wrong-key',
      maxRetries: 0,
    });
    const error = await wrong.chat.completions
      .create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(flavor.errors.AuthenticationError);
    expect(error.status).toBe(401);
    expect(JSON.stringify(azureServer.requests)).not.toContain('nope-wrong-key');
  });
});
