/**
 * Where the command writes: the result to stdout, everything else (progress, hints, warnings,
 * errors) to stderr, so `autolog search --json | jq` sees only the result. Colour only on a
 * terminal, never with `NO_COLOR` (https://no-color.org).
 */
import type { Writable } from 'node:stream';

export type Stream = Writable & { isTTY?: boolean; columns?: number };

/** ANSI styles; each is the identity when colour is off. */
export interface Palette {
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
}

const style = (open: number, close: number) => (text: string) => `\x1b[${open}m${text}\x1b[${close}m`;
const COLOURS: Palette = {
  bold: style(1, 22),
  dim: style(2, 22),
  red: style(31, 39),
  green: style(32, 39),
  yellow: style(33, 39),
  cyan: style(36, 39),
};
const PLAIN: Palette = {
  bold: String,
  dim: String,
  red: String,
  green: String,
  yellow: String,
  cyan: String,
};

/** Whether to colour a stream: a TTY and no `NO_COLOR`; `FORCE_COLOR` (not `0`) colours a pipe too. */
export function colourEnabled(stream: Stream, env: NodeJS.ProcessEnv): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false') return true;
  return stream.isTTY === true && env.TERM !== 'dumb';
}

/** The visible width of a string that may hold ANSI styles. */
export function visibleLength(text: string): number {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escape sequences
  return text.replace(/\x1b\[[0-9;]*m/g, '').length;
}

/** The streams and environment a command runs with (the process's, or a test's). */
export interface CliIo {
  stdout: Stream;
  stderr: Stream;
  env: NodeJS.ProcessEnv;
}

export class Output {
  /** Styles for the result (stdout). */
  readonly colour: Palette;
  /** Styles for messages (stderr). */
  readonly errColour: Palette;

  constructor(readonly io: CliIo) {
    this.colour = colourEnabled(io.stdout, io.env) ? COLOURS : PLAIN;
    this.errColour = colourEnabled(io.stderr, io.env) ? COLOURS : PLAIN;
  }

  /** Writes a line of the result. */
  result(text: string): void {
    this.io.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  /** Writes a message line to stderr. */
  log(text: string): void {
    this.io.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  /** A warning line on stderr. */
  warn(text: string): void {
    this.log(`${this.errColour.yellow('warning:')} ${text}`);
  }

  /** Whether stderr is a terminal (the progress bar draws only then). */
  get interactive(): boolean {
    return this.io.stderr.isTTY === true;
  }
}
