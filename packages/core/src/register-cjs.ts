/**
 * `node -r @autolog/core/register app.js` (CommonJS): as the ESM register, without top-level
 * await — CommonJS modules are patched synchronously when they are required.
 */
import { autolog } from './autolog.js';
import { envFlag } from './settings.js';

if (!envFlag('AUTOLOG_DISABLED', false)) {
  autolog().catch((err: unknown) => console.warn(`[autolog] autolog failed: ${String(err)}`));
}
