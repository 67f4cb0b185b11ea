/** Options of the Assistants integration. */
export interface AzureAssistantsAutologOptions {
  /**
   * Record message text, instructions, tool arguments and outputs, and file search passages.
   * Default: the core setting (`init({ captureContent })`, env `AUTOLOG_CAPTURE_CONTENT`); env
   * override for this integration: `AUTOLOG_AZURE_ASSISTANTS_CAPTURE_CONTENT`. Ids, model,
   * status, errors, token usage and timing are always recorded.
   */
  captureContent?: boolean;
  /**
   * How long a run may go unobserved (no poll, stream event or tool-output submission) before its
   * span is ended anyway, marked `assistants.timed_out`, in ms. Default 600,000 (10 minutes, the
   * Assistants API's own run expiry). Env: `AUTOLOG_AZURE_ASSISTANTS_RUN_TIMEOUT_MS`.
   */
  runTimeoutMs?: number;
  /**
   * When a run ends, read its steps and new messages from the API (one or two `GET`s on the
   * app's client, plus pages) so a polled run gets its step spans, its reply as outputs and file
   * search passages. Runs followed through a stream from start to end need no extra request.
   * Default `true`. Env: `AUTOLOG_AZURE_ASSISTANTS_FETCH_DETAILS=false` turns it off.
   */
  fetchRunDetails?: boolean;
}
