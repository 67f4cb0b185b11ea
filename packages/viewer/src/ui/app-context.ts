/**
 * What every page gets: the API, the viewer's configuration, the chosen experiments.
 */
import type { ViewerConfig } from '../wire-types.js';
import type { ApiClient } from './api-client.js';

export type { ViewerConfig };

export interface AppContext {
  api: ApiClient;
  config: ViewerConfig;
  /** The experiments shown, as the API's `exp` parameter (`1,2`). */
  exp(): string;
}

/** A mounted view. The router calls `onLiveChange` when new traces arrive and `dispose` when leaving. */
export interface Page {
  onLiveChange?(): void;
  dispose?(): void;
}
