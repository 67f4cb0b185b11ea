/** A tiny knowledge base and a keyword retriever (no vector store needed for the example). */
export interface Doc {
  id: string;
  text: string;
  source: string;
}

export const DOCS: Doc[] = [
  { id: 'd1', source: 'tracing.md', text: 'A trace records one request through the app as a tree of spans.' },
  { id: 'd2', source: 'tokens.md', text: 'Model spans carry token usage: input, output and total tokens.' },
  { id: 'd3', source: 'store.md', text: 'Autolog keeps traces in a local SQLite file by default.' },
  { id: 'd4', source: 'feedback.md', text: 'Feedback and expectations can be logged on any trace.' },
];

export function retrieve(query: string, k = 2): Doc[] {
  const words = query
    .toLowerCase()
    .split(/\W+/)
    .filter((w) => w.length > 3);
  return DOCS.map((doc) => ({ doc, score: words.filter((w) => doc.text.toLowerCase().includes(w)).length }))
    .filter((x) => x.score > 0)
    .sort((a, b) => b.score - a.score)
    .slice(0, k)
    .map((x) => x.doc);
}

export function buildPrompt(
  question: string,
  docs: Doc[],
): Array<{ role: 'system' | 'user'; content: string }> {
  const context = docs.map((d) => `[${d.source}] ${d.text}`).join('\n');
  return [
    { role: 'system', content: `Answer from the context only.\n${context}` },
    { role: 'user', content: question },
  ];
}
