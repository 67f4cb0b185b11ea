/**
 * The search box that takes the filter language, with the parser's error shown inline under
 * it: the message, and the filter with the offending token marked.
 */
import { ApiError } from './api-client.js';
import { h, replaceChildren } from './dom.js';

export interface FilterBox {
  el: HTMLElement;
  /** Shows the API's error for the current filter (or clears it with `null`). */
  showError(error: unknown): void;
}

export interface FilterBoxOptions {
  id: string;
  label: string;
  value: string;
  onSubmit(filter: string): void;
  examples?: ReadonlyArray<{ label: string; filter: string }>;
}

const PLACEHOLDER = "trace.status = 'ERROR' AND metadata.`mlflow.trace.user` = 'alice'";

/** The filter with `[position, position + token length)` wrapped in `<mark>`. */
function markedFilter(filter: string, position: number, token: string | undefined): HTMLElement {
  const start = Math.max(0, Math.min(position, filter.length));
  const end = Math.min(filter.length, start + Math.max(1, token?.length ?? 1));
  return h(
    'code',
    { class: 'filter-echo' },
    filter.slice(0, start),
    h('mark', null, start < filter.length ? filter.slice(start, end) : ' '),
    filter.slice(end),
  );
}

/** A labelled filter input with a Search button, example filters and an inline error area. */
export function createFilterBox(o: FilterBoxOptions): FilterBox {
  const errorId = `${o.id}-error`;
  const input = h('input', {
    id: o.id,
    type: 'search',
    class: 'filter-input',
    placeholder: PLACEHOLDER,
    value: o.value,
    spellcheck: 'false',
    autocomplete: 'off',
    'aria-describedby': errorId,
  });
  const error = h('div', { id: errorId, class: 'filter-error', 'aria-live': 'polite' });
  const submit = () => o.onSubmit(input.value.trim());
  input.addEventListener('keydown', (e: KeyboardEvent) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      submit();
    }
  });
  const examples = (o.examples ?? []).map((ex) =>
    h(
      'button',
      {
        type: 'button',
        class: 'chip',
        title: ex.filter,
        onclick: () => {
          input.value = ex.filter;
          submit();
        },
      },
      ex.label,
    ),
  );
  const el = h(
    'form',
    {
      class: 'filter-box',
      role: 'search',
      onsubmit: (e: Event) => {
        e.preventDefault();
        submit();
      },
    },
    h('label', { for: o.id, class: 'filter-label' }, o.label),
    h(
      'div',
      { class: 'filter-row' },
      input,
      h('button', { type: 'submit', class: 'primary' }, 'Search'),
      input.value
        ? h(
            'button',
            {
              type: 'button',
              onclick: () => {
                input.value = '';
                submit();
              },
            },
            'Clear',
          )
        : null,
    ),
    examples.length
      ? h(
          'div',
          { class: 'chips', 'aria-label': 'Example filters' },
          h('span', { class: 'muted' }, 'Try:'),
          examples,
        )
      : null,
    error,
  );
  return {
    el,
    showError(err: unknown) {
      if (!err) {
        input.removeAttribute('aria-invalid');
        replaceChildren(error);
        return;
      }
      input.setAttribute('aria-invalid', 'true');
      const api = err instanceof ApiError ? err : undefined;
      const message = err instanceof Error ? err.message : String(err);
      replaceChildren(
        error,
        h('p', { role: 'alert', class: 'filter-error-message' }, message),
        api?.position !== undefined ? markedFilter(input.value, api.position, api.token) : null,
      );
      if (api?.position !== undefined) {
        const at = Math.min(api.position, input.value.length);
        input.focus();
        input.setSelectionRange(at, Math.min(input.value.length, at + Math.max(1, api.token?.length ?? 1)));
      }
    },
  };
}
