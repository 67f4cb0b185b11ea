/**
 * The OpenTelemetry global context manager, switched on only while an OpenTelemetry-based
 * adapter (raw SDK, Langfuse) is being measured. An app that uses OpenTelemetry registers one;
 * an app that uses only LangSmith or Autolog does not, and Autolog bridges into OpenTelemetry
 * context when it sees one registered, so leaving it on would charge Autolog for a setup its
 * users do not have.
 */
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';

let active: AsyncLocalStorageContextManager | undefined;

export function activateOtelContext(): void {
  if (active) return;
  active = new AsyncLocalStorageContextManager();
  active.enable();
  if (!context.setGlobalContextManager(active))
    throw new Error('could not register the OpenTelemetry context manager');
}

export function deactivateOtelContext(): void {
  if (!active) return;
  context.disable(); // disables the manager and unregisters it globally
  active = undefined;
}
