/** Span attribute keys of MLflow's trace schema that integrations set. */
export const SpanAttributeKey = {
  TOKEN_USAGE: 'mlflow.chat.tokenUsage',
  COST: 'mlflow.llm.cost',
  MODEL: 'mlflow.llm.model',
  PROVIDER: 'mlflow.llm.provider',
  TOOLS: 'mlflow.chat.tools',
  MESSAGE_FORMAT: 'mlflow.message.format',
  TIME_TO_FIRST_TOKEN_MS: 'autolog.time_to_first_token_ms',
} as const;
