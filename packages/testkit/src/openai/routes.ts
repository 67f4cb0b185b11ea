import { assistantsRoutes } from './assistants.js';
import { chatRoutes } from './chat.js';
import { completionsRoutes } from './completions.js';
import { embeddingsRoutes } from './embeddings.js';
import { modelsRoutes } from './models.js';
import { responsesRoutes } from './responses.js';
import type { OpenAIRoute } from './types.js';

/**
 * The built-in route table. EXTENSION POINT: a new endpoint family (e.g. the Assistants API —
 * threads, messages, runs, run steps — in `assistants.ts`) exports its own `OpenAIRoute[]` and is
 * spread in here. Handlers keep state in `ctx.store`, stream with `ctx.sse('named')` (Assistants
 * events are named `thread.run.created` …, and the stream ends with `send('[DONE]', 'done')` then `end()`), and get
 * Azure paths, auth, latency, recording and injected failures for free.
 */
export const builtInRoutes: OpenAIRoute[] = [
  ...chatRoutes,
  ...responsesRoutes,
  ...embeddingsRoutes,
  ...completionsRoutes,
  ...modelsRoutes,
  ...assistantsRoutes,
];

/** Matches an API-relative path against routes; `:name` segments become params. */
export function matchRoute(
  routes: OpenAIRoute[],
  method: string,
  path: string,
): { route: OpenAIRoute; params: Record<string, string> } | undefined {
  const segments = path.split('/').filter(Boolean);
  for (const route of routes) {
    if (route.method !== method) continue;
    const pattern = route.path.split('/').filter(Boolean);
    if (pattern.length !== segments.length) continue;
    const params: Record<string, string> = {};
    const matched = pattern.every((part, i) => {
      if (part.startsWith(':')) {
        params[part.slice(1)] = decodeURIComponent(segments[i]);
        return true;
      }
      return part === segments[i];
    });
    if (matched) return { route, params };
  }
  return undefined;
}
