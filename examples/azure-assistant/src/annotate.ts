import { logExpectation, logFeedback, searchTraces } from '@autolog/core';

/** Finds the trace of a conversation by its thread id (the trace's session). */
export async function traceOfThread(threadId: string) {
  const { traces } = await searchTraces({
    filterString: `metadata.\`mlflow.trace.session\` = '${threadId}'`,
    maxResults: 1,
  });
  return traces[0];
}

/** A user's previous conversations, newest first. */
export async function previousThreads(userName: string, maxResults = 3) {
  const { traces } = await searchTraces({
    filterString: `metadata.\`mlflow.trace.user\` = '${userName}'`,
    orderBy: ['timestamp_ms DESC'],
    maxResults,
  });
  return traces.map((t) => ({
    threadId: t.info.traceMetadata['mlflow.trace.session'],
    traceId: t.info.traceId,
    state: t.info.state,
    request: t.info.requestPreview,
  }));
}

/** The seed's annotations: thumbs-up and a relevance score from the user, an LLM judge's score, an expectation. */
export async function annotate(traceId: string, userName: string) {
  const human = { sourceType: 'HUMAN' as const, sourceId: userName };
  return [
    await logFeedback({ traceId, name: 'user_satisfaction', value: true, source: human }),
    await logFeedback({ traceId, name: 'relevance', value: 0.9, source: human }),
    await logFeedback({
      traceId,
      name: 'llm_evaluation',
      value: 0.3,
      rationale: 'Not as good as I could have done',
      source: { sourceType: 'LLM_JUDGE', sourceId: 'GPT-5' },
    }),
    await logExpectation({
      traceId,
      name: 'expected_behavior',
      value: {
        should_escalate: true,
        required_elements: ['empathy', 'solution_offer', 'follow_up'],
        max_response_length: 150,
        tone: 'professional_friendly',
      },
      source: human,
    }),
  ];
}
