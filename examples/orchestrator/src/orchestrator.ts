import { SpanType, trace, updateCurrentTrace, withSpan } from '@autolog/core';
import { StringOutputParser } from '@langchain/core/output_parsers';
import { ChatPromptTemplate } from '@langchain/core/prompts';
import type { ChatOpenAI } from '@langchain/openai';
import { DOMAINS, type Domain, genieTool } from './domains.js';

interface Context {
  history: string[];
  preferences: Record<string, string>;
  role: string;
}

/**
 * The seed's multi-agent "Health Monitor": load context (MEMORY), classify intent (CLASSIFIER),
 * query one agent per domain (AGENT, each calling its data TOOL and the model), synthesise (LLM),
 * with the tag schema on every trace. Model and tool calls are traced by @autolog/langchain and
 * @autolog/openai underneath the orchestrator's own spans.
 */
export class Orchestrator {
  private readonly memory = new Map<string, string[]>();
  private readonly synthesis;
  private readonly agentChain;

  constructor(model: ChatOpenAI) {
    this.agentChain = ChatPromptTemplate.fromMessages([
      ['system', 'You are the {domain} agent. Answer from the data: {data}'],
      ['human', '{query}'],
    ])
      .pipe(model)
      .pipe(new StringOutputParser());
    this.synthesis = ChatPromptTemplate.fromMessages([
      ['system', 'Combine the domain answers into one short reply.'],
      ['human', '{query}\n{answers}'],
    ])
      .pipe(model)
      .pipe(new StringOutputParser());
  }

  readonly invoke = trace(
    async (query: string, userId: string, sessionId: string) => {
      try {
        const context = this.loadContext(userId, sessionId);
        const intent = this.classifyIntent(query);
        const responses = await this.queryAgents(intent.domains, query);
        const result = await withSpan(
          async (span) => {
            span.setInputs({ query, response_count: Object.keys(responses).length });
            const answers = Object.entries(responses)
              .map(([d, r]) => `${d}: ${r.answer ?? `(failed: ${r.error})`}`)
              .join('\n');
            const content = await this.synthesis.invoke({ query, answers });
            const sources = Object.values(responses)
              .filter((r) => r.answer)
              .map((r) => r.source!);
            span.setOutputs({ content_length: content.length, source_count: sources.length });
            return { content, sources };
          },
          { name: 'synthesize', spanType: SpanType.LLM },
        );
        this.memory.set(sessionId, [...context.history, query].slice(-10));
        const failed = Object.values(responses).find((r) => r.error);
        updateCurrentTrace({
          metadata: { 'mlflow.trace.user': userId, 'mlflow.trace.session': sessionId },
          tags: {
            user_id: userId,
            session_id: sessionId,
            environment: process.env.ENVIRONMENT ?? 'dev',
            domains: intent.domains.join(','),
            domain_count: String(intent.domains.length),
            confidence: String(intent.confidence),
            is_multi_domain: String(intent.domains.length > 1),
            utility_tools_used: intent.domains.map((d) => `${d}_genie_query`).join(','),
            source_count: String(result.sources.length),
            response_length: String(result.content.length),
            has_error: String(Boolean(failed)),
            ...(failed ? { error_type: failed.errorType! } : {}),
          },
        });
        return result;
      } catch (err) {
        updateCurrentTrace({
          tags: {
            has_error: 'true',
            error_type: (err as Error).name,
            error_message: String((err as Error).message).slice(0, 200),
          },
        });
        throw err;
      }
    },
    { name: 'orchestrator_invoke', spanType: SpanType.AGENT },
  );

  private loadContext(userId: string, sessionId: string): Context {
    return withSpan(
      (span) => {
        span.setInputs({ user_id: userId, session_id: sessionId });
        const context: Context = {
          history: this.memory.get(sessionId) ?? [],
          preferences: { units: 'USD' },
          role: 'platform-admin',
        };
        span.setOutputs({ message_count: context.history.length, has_preferences: true });
        span.setAttributes({
          user_role: context.role,
          preference_count: Object.keys(context.preferences).length,
        });
        return context;
      },
      { name: 'load_context', spanType: SpanType.MEMORY },
    );
  }

  private classifyIntent(query: string): { domains: Domain[]; confidence: number } {
    return withSpan(
      (span) => {
        span.setInputs({ query });
        const q = query.toLowerCase();
        const matched = (Object.keys(DOMAINS) as Domain[]).filter((d) =>
          DOMAINS[d].keywords.some((k) => q.includes(k)),
        );
        const domains = matched.length ? matched : (['performance'] as Domain[]);
        const intent = { domains, confidence: matched.length ? 0.9 : 0.4 };
        span.setOutputs(intent);
        span.setAttributes({ domains, confidence: intent.confidence });
        return intent;
      },
      { name: 'classify_intent', spanType: 'CLASSIFIER' },
    );
  }

  private queryAgents(domains: Domain[], query: string) {
    return withSpan(
      async (span) => {
        span.setInputs({ domains, query });
        const responses: Record<
          string,
          { answer?: string; source?: string; error?: string; errorType?: string }
        > = {};
        await Promise.all(
          domains.map((domain) =>
            withSpan(
              async (agentSpan) => {
                agentSpan.setInputs({ domain, query });
                agentSpan.setAttribute('genie_space', DOMAINS[domain].space);
                try {
                  const data = await genieTool(domain).invoke({ question: query });
                  const answer = await this.agentChain.invoke({ domain, data, query });
                  responses[domain] = { answer, source: DOMAINS[domain].space };
                  agentSpan.setAttribute('success', true);
                  return responses[domain];
                } catch (err) {
                  responses[domain] = { error: (err as Error).message, errorType: (err as Error).name };
                  agentSpan.setAttribute('success', false);
                  agentSpan.recordException(err);
                  return responses[domain];
                }
              },
              { name: `${domain}_agent`, spanType: SpanType.AGENT },
            ),
          ),
        );
        span.setOutputs({ domain_count: Object.keys(responses).length });
        return responses;
      },
      { name: 'query_agents', spanType: SpanType.AGENT },
    );
  }
}
