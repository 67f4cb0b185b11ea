/**
 * `autolog ui`: serves the local viewer (`@autolog/viewer`, an optional dependency) over the
 * store until Ctrl-C. Prints the URL to stdout; the viewer's log lines go to stderr.
 */
import type { Command } from 'commander';
import { CliError } from '../errors.js';
import { addExperimentOption, addStoreOption, intOption, type StoreOptions } from '../options.js';
import type { Output } from '../output.js';
import { experimentIdsOf, storePathOf, withStore } from '../store.js';

interface UiOptions extends StoreOptions {
  port: number;
  host: string;
}

interface Viewer {
  url: string;
  close(): Promise<void>;
}

interface ViewerModule {
  startViewer(options: {
    storePath: string;
    host?: string;
    port?: number;
    experimentId?: string;
    logger?: { info(m: string): void; warn(m: string): void };
  }): Promise<Viewer>;
}

const INSTALL_HINT =
  'the viewer is not installed: install it next to the CLI with `npm install -g @autolog/viewer` (or `npm install @autolog/viewer` in your project), then run autolog ui again';

export function registerUi(program: Command, out: Output): void {
  const cmd = program
    .command('ui')
    .description('serve the local trace viewer over the store and print its URL (needs @autolog/viewer)')
    .option('-p, --port <n>', 'TCP port (0 picks a free one)', intOption(0, 65_535), 5050)
    .option(
      '--host <host>',
      'interface to listen on; anything but 127.0.0.1 exposes your traces to the network',
      '127.0.0.1',
    );
  addExperimentOption(
    addStoreOption(cmd),
    'show only this experiment (id or name; default: a picker over all)',
  );
  cmd.action((options: UiOptions) => ui(options, out));
}

async function loadViewer(): Promise<ViewerModule> {
  try {
    // A variable specifier: the viewer is optional, so bundlers and type checks must not require it.
    const name = '@autolog/viewer';
    return (await import(name)) as ViewerModule;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' && String((error as Error).message).includes('@autolog/viewer'))
      throw new CliError(INSTALL_HINT);
    throw error;
  }
}

async function ui(options: UiOptions, out: Output): Promise<void> {
  const storePath = storePathOf(options.store);
  const experimentId = await withStore(storePath, (store) =>
    options.experiment === undefined ? undefined : experimentIdsOf(store, options.experiment)[0],
  );
  const { startViewer } = await loadViewer();
  let viewer: Viewer;
  try {
    viewer = await startViewer({
      storePath,
      host: options.host,
      port: options.port,
      experimentId,
      logger: { info: (m) => out.log(m), warn: (m) => out.warn(m) },
    });
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'EADDRINUSE')
      throw new CliError(
        `port ${options.port} on ${options.host} is in use — pass --port <n>, or --port 0 for a free one`,
      );
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND')
      throw new CliError(`cannot listen on ${options.host}: ${(error as Error).message}`);
    throw error;
  }
  out.log(`Autolog viewer for ${storePath} — press Ctrl-C to stop`);
  out.result(viewer.url);
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await viewer.close();
}
