/**
 * Options shared by the commands, and parsers for option values. A value that does not parse
 * is a usage error (exit code 2) reported by commander with the option's name.
 */
import { type Command, InvalidArgumentError } from 'commander';

/** `--store` and, where it makes sense, `--experiment`. */
export interface StoreOptions {
  store?: string;
  experiment?: string;
}

export function addStoreOption(cmd: Command): Command {
  return cmd.option(
    '--store <path>',
    'the local trace store (default: $AUTOLOG_STORE or ./.autolog/traces.db)',
  );
}

export function addExperimentOption(
  cmd: Command,
  what = 'only traces of this experiment (id or name; default: all experiments)',
): Command {
  return cmd.option('-e, --experiment <id|name>', what);
}

/** A parser for an integer option in [min, max]. */
export function intOption(min: number, max = Number.MAX_SAFE_INTEGER): (value: string) => number {
  return (value: string) => {
    const n = Number(value);
    if (!/^\s*-?\d+\s*$/.test(value) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(
        max === Number.MAX_SAFE_INTEGER
          ? `expected an integer ≥ ${min}.`
          : `expected an integer from ${min} to ${max}.`,
      );
    }
    return n;
  };
}

/** Collects a repeatable option into an array (`--group-by a --group-by b`). */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}
