// Reads a finished run's steps and messages through the app's own client (raw `get`, which no
// integration patches), so a polled run gets the same detail as a streamed one.

/** Asks for the passages of file search results, not only their file names and scores. */
export const FILE_SEARCH_CONTENT = 'step_details.tool_calls[*].file_search.results[*].content';

const BETA_HEADERS = { 'OpenAI-Beta': 'assistants=v2' };
/** Per request: bounded, so a slow service cannot keep a run's trace open for long. */
const REQUEST_OPTIONS = { headers: BETA_HEADERS, timeout: 10_000, maxRetries: 1 };
/** Pages read at most per list (100 items each). */
const MAX_PAGES = 5;

export interface RunDetails {
  steps: any[];
  /** Messages the run created, oldest first. */
  messages: any[];
  /** The thread's messages just before the run (its inputs), oldest first; only when asked for. */
  inputs?: any[];
}

export interface DetailRequest {
  /** Read the steps. */
  steps: boolean;
  /** Read the messages the run created. */
  messages: boolean;
  /** Read the messages the run answered (when the app added them where this process could not see). */
  inputs: boolean;
  /** Ask for file search passages. */
  fileSearchContent: boolean;
}

/**
 * Reads what was asked for; each part that fails is left empty and its error collected, so one
 * failed request never hides the others.
 */
export async function fetchRunDetails(
  client: any,
  run: any,
  want: DetailRequest,
): Promise<RunDetails & { errors: string[] }> {
  const errors: string[] = [];
  const base = `/threads/${encodeURIComponent(run.thread_id)}`;
  const attempt = async (fn: () => Promise<any[]>): Promise<any[]> => {
    try {
      return await fn();
    } catch (err) {
      errors.push(err instanceof Error ? `${err.name}: ${err.message}` : String(err));
      return [];
    }
  };
  const [steps, messages, inputs] = await Promise.all([
    want.steps
      ? attempt(() =>
          readSteps(client, `${base}/runs/${encodeURIComponent(run.id)}/steps`, want.fileSearchContent),
        )
      : [],
    want.messages ? attempt(() => listAll(client, `${base}/messages`, { run_id: run.id, order: 'asc' })) : [],
    want.inputs ? attempt(() => readInputs(client, `${base}/messages`, run)) : undefined,
  ]);
  return { steps, messages, inputs, errors };
}

async function readSteps(client: any, path: string, content: boolean): Promise<any[]> {
  if (!content) return listAll(client, path, { order: 'asc' });
  try {
    return await listAll(client, path, { order: 'asc', 'include[]': FILE_SEARCH_CONTENT });
  } catch (err) {
    // A service or API version that does not know `include` answers 400: read the steps without passages.
    if ((err as { status?: unknown })?.status === 400) return listAll(client, path, { order: 'asc' });
    throw err;
  }
}

/** The messages just before the run that no run wrote (the ones it answered), oldest first. */
async function readInputs(client: any, path: string, run: any): Promise<any[]> {
  const page = await client.get(path, { ...REQUEST_OPTIONS, query: { order: 'desc', limit: 20 } });
  const out: any[] = [];
  for (const message of page?.data ?? []) {
    if (message?.run_id === run.id) continue;
    if (message?.run_id || (typeof message?.created_at === 'number' && message.created_at > run.created_at))
      break;
    out.unshift(message);
  }
  return out;
}

async function listAll(client: any, path: string, query: Record<string, unknown>): Promise<any[]> {
  const items: any[] = [];
  let after: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const body = await client.get(path, {
      ...REQUEST_OPTIONS,
      query: { ...query, limit: 100, ...(after ? { after } : {}) },
    });
    const data = Array.isArray(body?.data) ? body.data : [];
    items.push(...data);
    if (!body?.has_more || !data.length) break;
    after = data[data.length - 1].id;
  }
  return items;
}
