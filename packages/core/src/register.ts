/**
 * `node --import @autolog/core/register app.js`: tracing and every installed integration, with
 * no code change, configured from the environment (`AUTOLOG_DESTINATION`, `AUTOLOG_STORE`,
 * `MLFLOW_TRACKING_URI`, `AUTOLOG_INTEGRATIONS`, …). `AUTOLOG_DISABLED=true` turns it off.
 */
import { autolog } from './autolog.js';
import { envFlag } from './settings.js';

if (!envFlag('AUTOLOG_DISABLED', false)) {
  // Awaited, so the app's modules load only once the integrations are in place.
  await autolog().catch((err: unknown) => console.warn(`[autolog] autolog failed: ${String(err)}`));
}
