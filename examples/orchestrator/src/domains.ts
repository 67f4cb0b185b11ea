import { tool } from '@langchain/core/tools';
import { z } from 'zod';

/** The Health Monitor's domains, each answered by an agent with a data tool ("genie space"). */
export const DOMAINS = {
  cost: { keywords: ['cost', 'spend', 'budget', 'bill'], space: 'genie-cost' },
  security: { keywords: ['security', 'access', 'vulnerab', 'permission'], space: 'genie-security' },
  performance: { keywords: ['slow', 'latency', 'performance', 'query'], space: 'genie-performance' },
  reliability: { keywords: ['fail', 'error', 'outage', 'job', 'reliab'], space: 'genie-reliability' },
} as const;
export type Domain = keyof typeof DOMAINS;

export class GenieError extends Error {
  override name = 'GenieError';
}

/** The data tool of a domain: a LangChain tool, so @autolog/langchain records it as a TOOL span. */
export function genieTool(domain: Domain) {
  return tool(
    async ({ question }: { question: string }) => {
      await new Promise((r) => setTimeout(r, 5 + (question.length % 7)));
      if (question.toLowerCase().includes('outage') && domain === 'reliability')
        throw new GenieError(`genie space ${DOMAINS[domain].space} timed out`);
      return JSON.stringify({
        space: DOMAINS[domain].space,
        rows: [{ metric: `${domain}_score`, value: 70 + (question.length % 30) }],
      });
    },
    {
      name: `${domain}_genie_query`,
      description: `Query the ${domain} data space`,
      schema: z.object({ question: z.string() }),
    },
  );
}
