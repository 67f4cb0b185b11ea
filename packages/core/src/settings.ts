import type { SerializeOptions } from './serialize.js';
import { resolveSerializeOptions } from './serialize.js';
import type { SpanData } from './types.js';

/** A hook that may change a span before it leaves the process; return nothing to keep the edits in place. */
// biome-ignore lint/suspicious/noConfusingVoidType: a hook that edits the span in place may be declared as returning void
export type RedactHook = (span: SpanData) => SpanData | undefined | void;

/**
 * The settings the hot path reads. Replaced as a whole by `init`, so a span sees one consistent
 * set; read through `settings()` (no copying).
 */
export interface RuntimeSettings {
  captureContent: boolean;
  sampleRate: number;
  serialize: Required<SerializeOptions>;
  redact?: RedactHook;
  scrubSecrets: boolean;
  /** How long a trace whose root ended waits for still-open child spans before it is exported anyway. */
  openSpanGraceMs: number;
}

export function defaultSettings(): RuntimeSettings {
  return {
    captureContent: envFlag('AUTOLOG_CAPTURE_CONTENT', true),
    sampleRate: 1,
    serialize: resolveSerializeOptions(),
    scrubSecrets: true,
    openSpanGraceMs: 30_000,
  };
}

const KEY = Symbol.for('autolog.core.settings');
const g = globalThis as unknown as Record<symbol, { current: RuntimeSettings } | undefined>;
const holder = g[KEY] ?? (g[KEY] = { current: defaultSettings() });

export function settings(): RuntimeSettings {
  return holder.current;
}

export function replaceSettings(next: RuntimeSettings): void {
  holder.current = next;
}

/** A boolean environment variable: undefined when unset or blank, false for 0/false/no/off, else true. */
export function readEnvFlag(name: string): boolean | undefined {
  const raw = process.env[name]?.trim();
  if (raw === undefined || raw === '') return undefined;
  return !/^(0|false|no|off)$/i.test(raw);
}

export function envFlag(name: string, fallback: boolean): boolean {
  return readEnvFlag(name) ?? fallback;
}
