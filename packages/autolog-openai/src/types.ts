/** Price of a model in USD per million tokens. */
export interface ModelPrice {
  input: number;
  output: number;
  /** Price of cached input tokens; defaults to `input`. */
  cachedInput?: number;
}

/** Options of the OpenAI integration. */
export interface OpenAIAutologOptions {
  /**
   * Record request messages and response content. Default: the core setting (`init({ captureContent })`,
   * env `AUTOLOG_CAPTURE_CONTENT`); env override for this integration: `AUTOLOG_OPENAI_CAPTURE_CONTENT`.
   * Model, parameters, token usage, cost and timing are always recorded.
   */
  captureContent?: boolean;
  /**
   * Prices by model name or prefix (longest prefix wins), merged over the built-in table; used for
   * `mlflow.llm.cost`. Default: the built-in table of common OpenAI models.
   */
  prices?: Record<string, ModelPrice>;
}
