/**
 * A one-line progress bar on stderr, drawn only when stderr is a terminal (in a pipe or a CI
 * log it stays silent; the command's summary line says what happened).
 */
import type { Stream } from './output.js';

const WIDTH = 28;
const REDRAW_MS = 80;

export class ProgressBar {
  private done: number;
  private lastDraw = 0;
  private readonly started = Date.now();
  private readonly enabled: boolean;

  constructor(
    private readonly stream: Stream,
    private readonly total: number,
    private readonly label: string,
    initial = 0,
  ) {
    this.done = initial;
    this.enabled = stream.isTTY === true && total > 0;
    this.draw(true);
  }

  /** Adds `n` finished items. */
  advance(n: number): void {
    this.done = Math.min(this.total, this.done + n);
    this.draw(this.done === this.total);
  }

  /** Clears the bar's line (before a message, or at the end). */
  clear(): void {
    if (this.enabled) this.stream.write('\r\x1b[2K');
  }

  private draw(force: boolean): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (!force && now - this.lastDraw < REDRAW_MS) return;
    this.lastDraw = now;
    const ratio = this.total ? this.done / this.total : 1;
    const filled = Math.round(ratio * WIDTH);
    const bar = `${'█'.repeat(filled)}${'░'.repeat(WIDTH - filled)}`;
    const seconds = ((now - this.started) / 1000).toFixed(1);
    const line = `${this.label} ${bar} ${this.done}/${this.total} ${Math.floor(ratio * 100)}% ${seconds}s`;
    const columns = this.stream.columns || 80;
    this.stream.write(`\r\x1b[2K${line.slice(0, Math.max(10, columns - 1))}`);
  }
}
