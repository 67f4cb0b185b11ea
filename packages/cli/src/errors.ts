/**
 * Exit codes and how errors map to them: 0 ok, 1 a runtime error (missing store, unknown trace,
 * a destination that refused), 2 a usage error (unknown option, bad value, bad filter).
 */
import { AutologError, InvalidFilterError } from '@autolog/core';

export const EXIT_OK = 0;
export const EXIT_RUNTIME = 1;
export const EXIT_USAGE = 2;

/** An error the command reports as it is (no stack), with its exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT_RUNTIME,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** A bad option value or argument: exit code 2. */
export function usageError(message: string): CliError {
  return new CliError(message, EXIT_USAGE);
}

/** Codes of core errors that mean the command line was wrong. */
const USAGE_CODES = new Set([
  'INVALID_FILTER',
  'INVALID_ARGUMENT',
  'INVALID_DESTINATION',
  'UNKNOWN_DESTINATION',
]);

export function exitCodeOf(error: unknown): number {
  if (error instanceof CliError) return error.exitCode;
  if (error instanceof InvalidFilterError) return EXIT_USAGE;
  if (error instanceof AutologError && USAGE_CODES.has(error.code)) return EXIT_USAGE;
  return EXIT_RUNTIME;
}

/**
 * The lines to print for an error. A bad filter also shows the filter with a caret under the
 * offending token, the way compilers do.
 */
export function describeError(error: unknown): string[] {
  if (error instanceof InvalidFilterError && error.code === 'INVALID_FILTER' && error.input) {
    const width = Math.max(1, Math.min(error.token.length || 1, error.input.length - error.position || 1));
    return [error.message, `  ${error.input}`, `  ${' '.repeat(error.position)}${'^'.repeat(width)}`];
  }
  if (error instanceof Error) return [error.message || error.name];
  return [String(error)];
}
