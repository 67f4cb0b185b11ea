/**
 * Listens to the server's change events (`/api/events`) and tells the current page, at most
 * once per `minGapMs`, so a burst of traces causes one refresh, not hundreds.
 */

export interface LiveUpdates {
  close(): void;
}

/** Calls `onChange` after new traces were written; `onState` with whether the stream is connected. */
export function listenForChanges(
  onChange: () => void,
  onState: (connected: boolean) => void,
  minGapMs = 1000,
): LiveUpdates {
  const source = new EventSource('/api/events');
  let last = 0;
  let timer: number | undefined;
  const fire = () => {
    timer = undefined;
    last = Date.now();
    onChange();
  };
  source.addEventListener('hello', () => onState(true));
  source.addEventListener('change', () => {
    if (timer !== undefined) return;
    const wait = Math.max(0, last + minGapMs - Date.now());
    timer = window.setTimeout(fire, wait);
  });
  source.addEventListener('error', () => onState(false));
  return {
    close: () => {
      source.close();
      if (timer !== undefined) clearTimeout(timer);
    },
  };
}
