export { ALL_TOOLS_TRIGGER, TOOL_TRIGGER } from './openai/reply.js';
export { startOpenAIServer } from './openai/server.js';
export type {
  AzureTarget,
  ErrorFields,
  FailureSpec,
  OpenAIRoute,
  OpenAIServer,
  OpenAIServerOptions,
  RecordedRequest,
  RecordedResponse,
  RequestKnobs,
  RouteContext,
  SseWriter,
} from './openai/types.js';
