/**
 * The one place tracing reports its own problems. Failures inside tracing are logged here and
 * never thrown into the application. Repeated messages are logged once per key.
 */
type Level = 'debug' | 'info' | 'warn' | 'error';
const LEVELS: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export type DiagLogger = (level: Level, message: string) => void;

const envLevel = (process.env.AUTOLOG_LOG_LEVEL ?? 'info').toLowerCase() as Level;
let threshold = LEVELS[envLevel] ?? LEVELS.info;
let sink: DiagLogger = (level, message) => {
  const line = `[autolog] ${message}`;
  if (level === 'error' || level === 'warn') console.warn(line);
  else console.log(line);
};
const seen = new Set<string>();

export const diag = {
  setLogger(logger: DiagLogger | undefined, level?: Level): void {
    if (logger) sink = logger;
    if (level) threshold = LEVELS[level];
  },
  log(level: Level, message: string): void {
    if (LEVELS[level] < threshold) return;
    try {
      sink(level, message);
    } catch {
      // a broken logger must not break tracing
    }
  },
  /** Logs a message only the first time `key` is seen. */
  once(level: Level, key: string, message: string): void {
    if (seen.has(key)) return;
    seen.add(key);
    diag.log(level, message);
  },
  debug: (m: string) => diag.log('debug', m),
  info: (m: string) => diag.log('info', m),
  warn: (m: string) => diag.log('warn', m),
  error: (m: string) => diag.log('error', m),
};

/** Describes an unknown thrown value for a log line. */
export function describeError(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  try {
    return String(err);
  } catch {
    return 'unknown error';
  }
}
