/**
 * Feedback on a trace: thumbs up/down, a numeric score and a rationale, saved through
 * `logFeedback` with a HUMAN source (the reviewer); an expectation form; and the trace's
 * existing feedback and expectations.
 */
import type { WireAssessment as Assessment } from '../wire-types.js';
import type { AppContext } from './app-context.js';
import { type Child, h, replaceChildren, statusLine } from './dom.js';
import { formatTime, oneLine } from './format.js';
import { thumbIcon } from './icons.js';

export interface FeedbackPanelOptions {
  traceId: string;
  /** The selected span, to attach feedback to it instead of the whole trace. */
  selectedSpan(): { spanId: string; name: string; isRoot: boolean } | undefined;
  /** Called after a save so the page re-reads the trace. */
  onSaved(): void;
}

function valueView(a: Assessment): Child {
  if (a.kind === 'feedback' && a.error)
    return `error: ${a.error.errorCode}${a.error.errorMessage ? ` (${a.error.errorMessage})` : ''}`;
  if (a.value === true) return [thumbIcon(true), ' yes'];
  if (a.value === false) return [thumbIcon(false), ' no'];
  return oneLine(a.value, 300);
}

/** The list of existing assessments, newest first. */
export function assessmentList(assessments: readonly Assessment[]): HTMLElement {
  if (!assessments.length) return h('p', { class: 'muted' }, 'No feedback or expectations yet.');
  const sorted = [...assessments].sort((a, b) => b.createTime - a.createTime);
  return h(
    'ul',
    { class: 'assessments', 'aria-label': 'Feedback and expectations' },
    sorted.map((a) =>
      h(
        'li',
        {
          class: `assessment${a.valid === false ? ' overridden' : ''}`,
          'data-assessment-id': a.assessmentId,
        },
        h(
          'div',
          { class: 'assessment-head' },
          h('span', { class: `kind kind-${a.kind}` }, a.kind),
          h('strong', null, a.name),
          h('span', { class: 'assessment-value' }, valueView(a)),
        ),
        h(
          'div',
          { class: 'muted small' },
          `${a.source.sourceType} · ${a.source.sourceId} · ${formatTime(a.createTime)}`,
          a.spanId ? ` · span ${a.spanId}` : '',
          a.valid === false ? ' · overridden' : '',
        ),
        a.rationale ? h('p', { class: 'rationale' }, a.rationale) : null,
      ),
    ),
  );
}

export interface FeedbackPanel {
  el: HTMLElement;
  /** Shows the trace's current assessments (the forms keep their state). */
  update(assessments: readonly Assessment[]): void;
}

/** Builds the panel. */
export function feedbackPanel(o: FeedbackPanelOptions, ctx: AppContext): FeedbackPanel {
  let thumbs: boolean | undefined;
  const status = h('div', { class: 'form-status', 'aria-live': 'polite' });
  const thumbButton = (value: boolean, label: string) => {
    const b = h(
      'button',
      { type: 'button', class: 'thumb', 'aria-pressed': 'false', 'data-thumb': String(value) },
      thumbIcon(value),
      ` ${label}`,
    );
    b.addEventListener('click', () => {
      thumbs = thumbs === value ? undefined : value;
      for (const other of b.parentElement?.querySelectorAll('.thumb') ?? [])
        other.setAttribute(
          'aria-pressed',
          String(thumbs !== undefined && other.getAttribute('data-thumb') === String(thumbs)),
        );
    });
    return b;
  };
  const scoreName = h('input', {
    id: 'score-name',
    type: 'text',
    value: 'relevance',
    size: 12,
    'aria-label': 'Score name',
  });
  const score = h('input', {
    id: 'score-value',
    type: 'number',
    min: '0',
    max: '1',
    step: '0.05',
    placeholder: '0–1',
    'aria-label': 'Score value',
  });
  const rationale = h('textarea', { id: 'rationale', rows: 3, placeholder: 'Why? (optional)' });
  const onSpan = h('input', { id: 'on-span', type: 'checkbox' });
  const spanLabel = h(
    'label',
    { for: 'on-span', class: 'check' },
    onSpan,
    h('span', { class: 'on-span-text' }, 'Attach to the selected span'),
  );

  const post = async (path: string, body: Record<string, unknown>) => {
    const span = o.selectedSpan();
    if (onSpan.checked && span && !span.isRoot) body.spanId = span.spanId;
    return ctx.api.post(`traces/${encodeURIComponent(o.traceId)}/${path}`, body);
  };

  const save = async (e: Event) => {
    e.preventDefault();
    const text = rationale.value.trim() || undefined;
    const scoreValue = score.value.trim() === '' ? undefined : Number(score.value);
    if (thumbs === undefined && scoreValue === undefined) {
      replaceChildren(status, statusLine('Pick Good or Bad, or enter a score.', 'error'));
      return;
    }
    if (scoreValue !== undefined && !Number.isFinite(scoreValue)) {
      replaceChildren(status, statusLine('The score must be a number.', 'error'));
      return;
    }
    try {
      const saved: string[] = [];
      if (thumbs !== undefined) {
        await post('feedback', { name: 'user_satisfaction', value: thumbs, rationale: text });
        saved.push(`thumbs ${thumbs ? 'up' : 'down'}`);
      }
      if (scoreValue !== undefined) {
        const name = scoreName.value.trim() || 'score';
        await post('feedback', { name, value: scoreValue, rationale: text });
        saved.push(`${name} = ${scoreValue}`);
      }
      replaceChildren(status, statusLine(`Saved ${saved.join(' and ')} as ${ctx.config.reviewer}.`));
      o.onSaved();
    } catch (error) {
      replaceChildren(status, statusLine(`Not saved: ${(error as Error).message}`, 'error'));
    }
  };

  const expName = h('input', {
    id: 'expectation-name',
    type: 'text',
    placeholder: 'expected_response',
    'aria-label': 'Expectation name',
  });
  const expValue = h('textarea', {
    id: 'expectation-value',
    rows: 2,
    placeholder: 'Text, or JSON such as {"should_escalate": true}',
    'aria-label': 'Expected value',
  });
  const expStatus = h('div', { class: 'form-status', 'aria-live': 'polite' });
  const saveExpectation = async (e: Event) => {
    e.preventDefault();
    const raw = expValue.value.trim();
    if (!expName.value.trim() || !raw) {
      replaceChildren(expStatus, statusLine('Give the expectation a name and a value.', 'error'));
      return;
    }
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      // plain text
    }
    try {
      await post('expectations', { name: expName.value.trim(), value });
      replaceChildren(expStatus, statusLine('Expectation saved.'));
      o.onSaved();
    } catch (error) {
      replaceChildren(expStatus, statusLine(`Not saved: ${(error as Error).message}`, 'error'));
    }
  };

  const listTitle = h('h3', null, 'Feedback and expectations');
  const list = h('div', { class: 'assessment-list' });
  const el = h(
    'div',
    { class: 'feedback-panel' },
    h(
      'form',
      { class: 'feedback-form', 'aria-label': 'Give feedback', onsubmit: save },
      h(
        'h3',
        null,
        'Your feedback ',
        h('span', { class: 'muted small' }, `as ${ctx.config.reviewer} (HUMAN)`),
      ),
      h(
        'div',
        { class: 'form-row', role: 'group', 'aria-label': 'Rating' },
        h('span', { class: 'form-label' }, 'Rating'),
        thumbButton(true, 'Good'),
        thumbButton(false, 'Bad'),
      ),
      h('div', { class: 'form-row' }, h('span', { class: 'form-label' }, 'Score'), scoreName, score),
      h(
        'div',
        { class: 'form-row' },
        h('label', { for: 'rationale', class: 'form-label' }, 'Rationale'),
        rationale,
      ),
      h('div', { class: 'form-row' }, h('span', { class: 'form-label' }), spanLabel),
      h(
        'div',
        { class: 'form-row' },
        h('span', { class: 'form-label' }),
        h('button', { type: 'submit', class: 'primary', id: 'save-feedback' }, 'Save feedback'),
        status,
      ),
    ),
    h(
      'details',
      { class: 'expectation-form' },
      h('summary', null, 'Add an expectation (ground truth)'),
      h(
        'form',
        { onsubmit: saveExpectation },
        h('div', { class: 'form-row' }, h('span', { class: 'form-label' }, 'Name'), expName),
        h('div', { class: 'form-row' }, h('span', { class: 'form-label' }, 'Value'), expValue),
        h(
          'div',
          { class: 'form-row' },
          h('span', { class: 'form-label' }),
          h('button', { type: 'submit' }, 'Save expectation'),
          expStatus,
        ),
      ),
    ),
    listTitle,
    list,
  );
  return {
    el,
    update(assessments) {
      listTitle.textContent = `Feedback and expectations (${assessments.length})`;
      replaceChildren(list, assessmentList(assessments));
    },
  };
}
