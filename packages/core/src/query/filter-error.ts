import { AutologError } from '../errors.js';

/**
 * A filter string (or `orderBy` term) that cannot be parsed. The message names the offending
 * token and its 0-based position, e.g.
 * `Invalid filter at position 19: 'OR' is not supported; join conditions with AND.`
 * `orderBy` terms fail the same way with code `INVALID_ARGUMENT`. `position` and `token` carry the same for programs (an editor can underline the token).
 */
export class InvalidFilterError extends AutologError {
  constructor(
    readonly position: number,
    readonly token: string,
    detail: string,
    readonly input: string,
    what: 'filter' | 'orderBy' = 'filter',
  ) {
    super(
      what === 'filter' ? 'INVALID_FILTER' : 'INVALID_ARGUMENT',
      what === 'filter'
        ? `Invalid filter at position ${position}: ${detail}`
        : `Invalid orderBy term ${showToken(input)} at position ${position}: ${detail}`,
    );
    this.name = 'InvalidFilterError';
  }
}

/** How a token is shown in messages: quoted, cut to 40 characters. */
export function showToken(text: string): string {
  const cut = text.length > 40 ? `${text.slice(0, 40)}…` : text;
  return `'${cut}'`;
}
