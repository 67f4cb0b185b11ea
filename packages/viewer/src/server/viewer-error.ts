/**
 * Configuration errors of the viewer: a stable `code` and a message that says how to fix it.
 */

export type ViewerErrorCode = 'INVALID_OPTION' | 'STORE_NOT_FOUND' | 'STORE_OPEN_FAILED' | 'UI_NOT_BUILT';

/** Thrown by `startViewer` before anything is served. */
export class ViewerError extends Error {
  constructor(
    readonly code: ViewerErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ViewerError';
  }
}
