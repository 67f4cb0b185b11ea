/** Stable codes of configuration errors, for programs that handle them. */
export type AutologErrorCode =
  | 'UNKNOWN_DESTINATION'
  | 'INVALID_DESTINATION'
  | 'STORE_NOT_WRITABLE'
  | 'STORE_DRIVER_UNAVAILABLE'
  | 'INVALID_OPTION'
  | 'EXPERIMENT_NOT_FOUND'
  | 'TRACE_NOT_FOUND'
  | 'ASSESSMENT_NOT_FOUND'
  | 'TAG_NOT_FOUND'
  | 'INVALID_FILTER'
  | 'INVALID_ARGUMENT'
  | 'NOT_SUPPORTED';

/**
 * Raised at configuration time (`init`, `new TracingClient`) and by explicit read/annotate calls.
 * The message says what to fix; `code` is stable. Never raised from the tracing hot path.
 */
export class AutologError extends Error {
  readonly code: AutologErrorCode;
  constructor(code: AutologErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AutologError';
    this.code = code;
  }
}
