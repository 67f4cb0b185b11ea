// The `openai` majors the suite runs against; tests are written once and run per flavor.
import OpenAILatest, * as latest from 'openai';
import {
  zodResponseFormat as zodResponseFormatLatest,
  zodTextFormat as zodTextFormatLatest,
} from 'openai/helpers/zod';
import { VERSION as LATEST_VERSION } from 'openai/version';
import OpenAIV4, * as v4 from 'openai-v4';
import {
  zodResponseFormat as zodResponseFormatV4,
  zodTextFormat as zodTextFormatV4,
} from 'openai-v4/helpers/zod';
import { VERSION as V4_VERSION } from 'openai-v4/version';

export interface ClientFlavor {
  name: string;
  major: number;
  makeClient(options: Record<string, unknown>): any;
  makeAzure(options: Record<string, unknown>): any;
  /** Where `parse` / `stream` / `runTools` live for chat (`beta.chat.completions` before v5). */
  chatHelpers(client: any): any;
  zodResponseFormat: (schema: any, name: string) => any;
  zodTextFormat: (schema: any, name: string) => any;
  errors: { APIError: any; BadRequestError: any; AuthenticationError: any; RateLimitError: any };
  requestId(error: any): string | undefined;
}

export const flavors: ClientFlavor[] = [
  {
    name: `openai@${LATEST_VERSION}`,
    major: Number.parseInt(LATEST_VERSION, 10),
    makeClient: (options) => new OpenAILatest(options as any),
    makeAzure: (options) => new latest.AzureOpenAI(options as any),
    chatHelpers: (client) => client.chat.completions,
    zodResponseFormat: zodResponseFormatLatest as any,
    zodTextFormat: zodTextFormatLatest as any,
    errors: latest,
    requestId: (error) => error.requestID,
  },
  {
    name: `openai-v4 (openai@${V4_VERSION})`,
    major: Number.parseInt(V4_VERSION, 10),
    makeClient: (options) => new OpenAIV4(options as any),
    makeAzure: (options) => new v4.AzureOpenAI(options as any),
    chatHelpers: (client) => client.beta.chat.completions,
    zodResponseFormat: zodResponseFormatV4 as any,
    zodTextFormat: zodTextFormatV4 as any,
    errors: v4,
    requestId: (error) => error.request_id,
  },
];

/** Collects an async iterable. */
export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}
