/**
 * End to end in headless Chromium: the list, filtering (and the inline parser error), a trace
 * with its span tree driven by the keyboard, feedback saved and read back from the store, a
 * session, analytics, and a trace arriving live. Screenshots of each page go to
 * test-artifacts/viewer/.
 */
import { flushTraces, LocalStore, TracingClient } from '@autolog/core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startViewer, type Viewer } from '../src/index.js';
import { launchChromium, screenshotPath } from './browser.js';
import { seedSupportStore, TURNS, writeAgentRun, writeTurn } from './fixtures/support-traces.js';
import { recordingLogger, tempStorePath } from './helpers.js';

const store = tempStorePath();
let viewer: Viewer;
let browser: Browser;
let page: Page;
let traceIds: string[];
const offOrigin: string[] = [];
const pageErrors: string[] = [];

beforeAll(async () => {
  ({ traceIds } = await seedSupportStore(store.path));
  viewer = await startViewer({
    storePath: store.path,
    reviewer: 'e2e-reviewer',
    pollIntervalMs: 200,
    logger: recordingLogger(),
  });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const origin = new URL(viewer.url).origin;
  page.on('request', (req) => {
    if (!req.url().startsWith(origin) && !req.url().startsWith('data:')) offOrigin.push(req.url());
  });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => {
    // The bad-filter test gets its 400 answer on purpose.
    if (m.type() === 'error' && !/status of 400/.test(m.text())) pageErrors.push(m.text());
  });
});

afterAll(async () => {
  await browser?.close();
  await viewer?.close();
  store.cleanup();
});

const rows = () => page.locator('table.traces tbody tr');

describe('trace list', () => {
  it('shows every trace newest first with its columns', async () => {
    await page.goto(viewer.url);
    await expect.poll(() => rows().count()).toBe(TURNS.length);
    const headers = await page.locator('table.traces thead th').allTextContents();
    expect(headers.map((h) => h.replace(/[▲▼]/g, '').trim())).toEqual([
      'Time',
      'Name',
      'User',
      'Session',
      'State',
      'Duration',
      'Tokens',
      'Cost',
    ]);
    expect(await rows().first().getAttribute('data-trace-id')).toBe(traceIds[2]);
    const first = await rows().first().locator('td').allTextContents();
    expect(first[1]).toContain('support_chat');
    expect(first[2]).toBe('alice');
    expect(first[3]).toBe('s-alice-1');
    expect(first[4]).toBe('OK');
    expect(first[6]).toBe('506');
    expect(first[7]).toMatch(/^\$0\.000/);
    await page.screenshot({ path: screenshotPath('01-trace-list') });
  });

  it('filters with the filter language typed into the search box', async () => {
    await page.fill('#trace-filter', "metadata.`mlflow.trace.user` = 'bob'");
    await page.press('#trace-filter', 'Enter');
    await expect.poll(() => rows().count()).toBe(2);
    expect(await rows().locator('td:nth-child(3)').allTextContents()).toEqual(['bob', 'bob']);
    expect(page.url()).toContain('#/traces?q=');
    await page.screenshot({ path: screenshotPath('02-trace-list-filtered') });
  });

  it('shows the parser error inline with the bad token marked', async () => {
    await page.fill('#trace-filter', "trace.status = 'OK' OR trace.name = 'x'");
    await page.press('#trace-filter', 'Enter');
    const alert = page.locator('.filter-error [role="alert"]');
    await expect.poll(() => alert.textContent()).toMatch(/Invalid filter at position 20: .*OR/);
    expect(await page.locator('.filter-error mark').textContent()).toBe('OR');
    expect(await page.getAttribute('#trace-filter', 'aria-invalid')).toBe('true');
    await page.screenshot({ path: screenshotPath('03-trace-list-filter-error') });
  });
});

describe('trace view', () => {
  it('opens a trace from the list: span tree beside the waterfall', async () => {
    await page.click('.filter-box button:has-text("Clear")');
    await expect.poll(() => rows().count()).toBe(TURNS.length);
    await page.click(`tr[data-trace-id="${traceIds[0]}"] a.trace-link`);
    const items = page.locator('[role="tree"] [role="treeitem"]');
    await expect.poll(() => items.count()).toBe(5);
    expect(await items.first().getAttribute('aria-expanded')).toBe('true');
    expect(await page.locator('.wf-bar').count()).toBe(5);
    expect(await page.locator('.span-detail h2').textContent()).toBe('support_chat');
    // The header shows the same cost as the trace's row in the list.
    const facts = await page.locator('.trace-header .fact').allTextContents();
    expect(facts.find((f) => f.startsWith('Cost'))).toMatch(/^Cost\$0\.000\d/);
    expect(facts).toContain('Spans5');
    await page.screenshot({ path: screenshotPath('04-trace') });
  });

  it('collapses and expands spans and moves through them with the arrow keys', async () => {
    const items = page.locator('[role="tree"] [role="treeitem"]');
    await items.first().focus();
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => items.count()).toBe(1);
    expect(await items.first().getAttribute('aria-expanded')).toBe('false');
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => items.count()).toBe(5);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    const selected = page.locator('[role="treeitem"][aria-selected="true"]');
    expect(await selected.getAttribute('aria-label')).toMatch(/^chat\.completions\.create, CHAT_MODEL/);
    expect(await page.locator(':focus').getAttribute('aria-selected')).toBe('true');
    expect(page.url()).toContain('span=');
  });

  it("shows the selected model call's conversation, tool call, tokens and cost", async () => {
    const detail = page.locator('.span-detail');
    await expect.poll(() => detail.locator('h2').textContent()).toBe('chat.completions.create');
    expect(await detail.locator('.msg-user .msg-text').first().textContent()).toBe(TURNS[0].question);
    expect(await detail.locator('.tool-call strong').textContent()).toBe('get_order_status');
    expect(await detail.locator('.tools-offered').textContent()).toContain('get_order_status');
    expect(await detail.locator('table.usage').textContent()).toContain('180');
    expect(await detail.locator('.facts').textContent()).toContain('gpt-4o-mini');
    await detail.locator('.conversation').scrollIntoViewIfNeeded();
    await page.screenshot({ path: screenshotPath('05-span-conversation') });
    const inputs = detail.locator('details.section:has(h3:text-is("Inputs")) .json-view');
    const tools = inputs.locator('details.j-node:has(> summary:has-text("tools:"))');
    expect(await tools.getAttribute('open')).toBe('');
    await tools.locator('> summary').click();
    expect(await tools.getAttribute('open')).toBeNull();
    await tools.locator('> summary').click();
    expect(await tools.getAttribute('open')).toBe('');
    expect(await tools.textContent()).toContain('Status of an order');
    await page.screenshot({ path: screenshotPath('05-span-json') });
  });

  it('shows a failed tool call with its exception and stack', async () => {
    await page.goto(`${viewer.url}#/traces/${traceIds[4]}`);
    await page.locator('[role="treeitem"][aria-label^="get_order_status"]').click();
    const error = page.locator('.span-detail .error-box');
    await expect
      .poll(() => error.locator('.error-title').textContent())
      .toBe('OrderServiceTimeout: Order service timed out after 5000 ms');
    expect(await error.locator('.stack').textContent()).toMatch(/at .*support-traces\.ts/);
    await page.screenshot({ path: screenshotPath('06-span-error') });
  });
});

describe('feedback', () => {
  it('saves thumbs up, a score and a rationale as HUMAN feedback, stored in the store', async () => {
    await page.goto(`${viewer.url}#/traces/${traceIds[0]}`);
    await page.click('[role="tab"]:has-text("Feedback")');
    const list = page.locator('.assessments .assessment');
    expect(await list.count()).toBe(2);
    expect(await page.locator('.assessments').textContent()).toContain('expected_behavior');
    await page.click('button.thumb[data-thumb="true"]');
    await page.fill('#score-value', '0.9');
    await page.fill('#rationale', 'Clear and correct.');
    await page.click('#save-feedback');
    await expect
      .poll(() => page.locator('.form-status').first().textContent())
      .toBe('Saved thumbs up and relevance = 0.9 as e2e-reviewer.');
    await expect.poll(() => list.count()).toBe(4);
    expect(await page.locator('[role="tab"]:has-text("Feedback")').textContent()).toBe('Feedback (4)');
    await page.screenshot({ path: screenshotPath('07-feedback') });

    const check = new LocalStore({ path: store.path });
    try {
      const saved = check
        .getTrace(traceIds[0])!
        .info.assessments.filter(
          (a) => a.source.sourceType === 'HUMAN' && a.source.sourceId === 'e2e-reviewer',
        );
      expect(saved).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            kind: 'feedback',
            name: 'user_satisfaction',
            value: true,
            rationale: 'Clear and correct.',
          }),
          expect.objectContaining({
            kind: 'feedback',
            name: 'relevance',
            value: 0.9,
            rationale: 'Clear and correct.',
          }),
        ]),
      );
      expect(saved).toHaveLength(2);
    } finally {
      check.close();
    }
  });
});

describe('sessions and analytics', () => {
  it("opens the trace's session as a conversation, turn by turn", async () => {
    await page.click('.trace-header a:text-is("s-alice-1")');
    const turns = page.locator('ol.turns > li');
    await expect.poll(() => turns.count()).toBe(3);
    expect(await turns.nth(0).locator('.msg-user .msg-text').textContent()).toBe(TURNS[0].question);
    expect(await turns.nth(0).locator('.msg-assistant .msg-text').textContent()).toBe(TURNS[0].answer);
    expect(await turns.nth(2).locator('.turn-head strong').textContent()).toBe('Turn 3');
    await page.screenshot({ path: screenshotPath('08-session'), fullPage: true });
  });

  it('lists sessions, the failed one with its error count', async () => {
    await page.click('nav a[data-page="sessions"]');
    await expect.poll(() => rows().count()).toBe(4);
    const bob = await rows().nth(1).locator('td').allTextContents();
    expect(bob.slice(0, 4)).toEqual(['s-bob-1', 'bob', '2', '1']);
    await page.screenshot({ path: screenshotPath('09-sessions') });
  });

  it('charts traffic, error rate, latency, tokens and cost per app version, then per user', async () => {
    await page.click('nav a[data-page="analytics"]');
    const charts = page.locator('.charts figure');
    await expect.poll(() => charts.count()).toBe(5);
    expect(await charts.locator('figcaption').allTextContents()).toEqual([
      'Traffic (traces)',
      'Error rate',
      'Latency p50 (solid) and p95 (dashed)',
      'Tokens',
      'Cost (USD)',
    ]);
    expect(await page.locator('table.summary tbody th').allTextContents()).toEqual(['1.1.0', '1.0.0']);
    expect(await charts.first().locator('polyline').count()).toBeGreaterThan(0);
    await page.screenshot({ path: screenshotPath('10-analytics'), fullPage: true });
    await page.selectOption('#group-by', 'user');
    await expect
      .poll(() => page.locator('table.summary tbody th').allTextContents())
      .toEqual(['alice', 'bob', 'carol']);
    expect(await charts.first().locator('.legend li').allTextContents()).toEqual(['alice', 'bob', 'carol']);
  });
});

describe('live updates', () => {
  it('shows a new trace in the list as soon as the app writes it', async () => {
    await page.click('nav a[data-page="traces"]');
    await expect.poll(() => rows().count()).toBe(TURNS.length);
    await expect.poll(() => page.locator('.live').textContent()).toBe('Live');
    const id = writeTurn(
      new TracingClient(),
      { user: 'dave', session: 's-dave-1', question: 'Hello?', answer: 'Hi Dave!', daysAgo: 0 },
      Date.now(),
      42,
    );
    await flushTraces();
    await expect.poll(() => rows().count(), { timeout: 10_000 }).toBe(TURNS.length + 1);
    expect(await rows().first().getAttribute('data-trace-id')).toBe(id);
    expect(await rows().first().locator('td:nth-child(3)').textContent()).toBe('dave');
    await page.screenshot({ path: screenshotPath('11-live-update') });
  });
});

describe('a large trace', () => {
  it('keeps only the rows on screen in the DOM and reaches the last of 1,000 spans with End', async () => {
    const id = writeAgentRun(new TracingClient(), 333, Date.now() - 3_600_000);
    await flushTraces();
    await page.goto(`${viewer.url}#/traces/${id}`);
    await expect.poll(() => page.getAttribute('.wf-body', 'data-rows')).toBe('1000');
    expect(await page.locator('[role="treeitem"]').count()).toBeLessThan(100);
    await page.locator('[role="treeitem"][aria-selected="true"]').focus();
    await page.keyboard.press('End');
    const selected = page.locator('[role="treeitem"][aria-selected="true"]');
    await expect.poll(() => selected.getAttribute('aria-label')).toMatch(/^tool 332, TOOL/);
    expect(await selected.getAttribute('aria-level')).toBe('3');
    const row = (await selected.boundingBox())!;
    const pane = (await page.locator('.wf-body').boundingBox())!;
    expect(row.y).toBeGreaterThanOrEqual(pane.y);
    expect(row.y + row.height).toBeLessThanOrEqual(pane.y + pane.height + 1);
    expect(await page.locator('.span-detail h2').textContent()).toBe('tool 332');
    await page.screenshot({ path: screenshotPath('12-large-trace') });
    await page.keyboard.press('Home');
    await expect.poll(() => selected.getAttribute('aria-label')).toMatch(/^agent_run, AGENT/);
  });

  it('loaded nothing from any other origin and logged no errors', () => {
    expect(offOrigin).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
