import type { SpanData, TraceRecord } from '../src/index.js';

export { memoryTracing } from '../src/testing.js';

export function spanNamed(trace: TraceRecord, name: string): SpanData {
  const span = trace.data.spans.find((s) => s.name === name);
  if (!span) throw new Error(`no span named ${name} in ${trace.data.spans.map((s) => s.name).join(', ')}`);
  return span;
}

/** Parent name of each span, e.g. `{ child: 'root', root: null }`. */
export function tree(trace: TraceRecord): Record<string, string | null> {
  const byId = new Map(trace.data.spans.map((s) => [s.spanId, s.name]));
  return Object.fromEntries(
    trace.data.spans.map((s) => [s.name, s.parentId ? (byId.get(s.parentId) ?? '?') : null]),
  );
}

export const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

/** Compiles a module with TC39 decorators (TypeScript's standard decorators) and imports it. */
export async function compileWithDecorators(source: string): Promise<any> {
  const ts = (await import('typescript')).default;
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      experimentalDecorators: false,
    },
  });
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const file = join(mkdtempSync(join(tmpdir(), 'autolog-deco-')), 'module.mjs');
  writeFileSync(file, outputText);
  return (await import(/* @vite-ignore */ file)).default;
}
