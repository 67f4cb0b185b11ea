import { BackgroundWriter } from './background-writer.js';
import { LocalStore, type LocalStoreOptions } from './local-store.js';
import type { EncodedTrace } from './rows.js';

/**
 * The local store as the SDK's destination: reads and annotations on this thread, writes of
 * finished traces on a writer thread, so the application's event loop never waits on SQLite.
 * Falls back to writing here when a thread cannot be started.
 */
export class LocalStoreDestination extends LocalStore {
  private readonly background: BackgroundWriter | undefined;

  constructor(options: LocalStoreOptions & { backgroundWrites?: boolean }) {
    super(options);
    this.background =
      options.backgroundWrites === false
        ? undefined
        : BackgroundWriter.start(this.path, this.resolveExperiment(), options.busyTimeoutMs);
  }

  /** Posts the encoded traces to the writer thread (or, without one, writes them here). */
  override exportEncoded(traces: readonly EncodedTrace[]): void {
    if (this.background?.usable) this.background.write(traces);
    else super.exportEncoded(traces);
  }

  /** Resolves once every trace handed over so far is in the file. */
  override async forceFlush(): Promise<void> {
    await this.background?.flush();
  }

  /** For exit handlers: blocks until the writer thread has written everything (bounded). */
  flushSync(timeoutMs = 5_000): boolean {
    return this.background ? this.background.waitSync(timeoutMs) : true;
  }

  override async shutdown(): Promise<void> {
    await this.background?.close();
    super.shutdown();
  }
}
