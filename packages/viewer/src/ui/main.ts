/**
 * Entry of the browser UI: the header (navigation, experiment picker, live indicator), the
 * hash router that mounts one page at a time, and live updates.
 */
import { ApiClient } from './api-client.js';
import type { AppContext, Page, ViewerConfig } from './app-context.js';
import { h, replaceChildren, statusLine } from './dom.js';
import { listenForChanges } from './live-updates.js';
import { mountAnalytics } from './pages/analytics-page.js';
import { mountSession } from './pages/session-page.js';
import { mountSessions } from './pages/sessions-page.js';
import { mountTraceList } from './pages/trace-list-page.js';
import { mountTrace } from './pages/trace-page.js';
import { parseRoute, type Route } from './router.js';

const EXP_KEY = 'autolog.viewer.exp';

function chosenExperiments(config: ViewerConfig): string {
  if (config.fixedExperiment) return config.fixedExperiment;
  const known = new Set(config.experiments.map((e) => e.experimentId));
  const saved = localStorage.getItem(EXP_KEY);
  if (saved?.split(',').every((id) => known.has(id))) return saved;
  return config.defaultExperimentIds.join(',');
}

function experimentPicker(
  config: ViewerConfig,
  current: string,
  onPick: (exp: string) => void,
): HTMLElement | null {
  if (config.fixedExperiment || config.experiments.length < 2) return null;
  const all = config.experiments.map((e) => e.experimentId).join(',');
  const select = h(
    'select',
    { id: 'experiment', onchange: (e: Event) => onPick((e.target as HTMLSelectElement).value) },
    config.experiments.map((e) =>
      h(
        'option',
        { value: e.experimentId, selected: e.experimentId === current },
        `${e.name} (${e.experimentId})`,
      ),
    ),
    h('option', { value: all, selected: current === all }, 'All experiments'),
  );
  return h('label', { class: 'experiment-picker' }, h('span', null, 'Experiment'), select);
}

function mountRoute(route: Route, root: HTMLElement, ctx: AppContext): Page {
  switch (route.page) {
    case 'trace':
      return mountTrace(root, route.id, route.params, ctx);
    case 'sessions':
      return mountSessions(root, route.params, ctx);
    case 'session':
      return mountSession(root, route.id, ctx);
    case 'analytics':
      return mountAnalytics(root, route.params, ctx);
    default:
      return mountTraceList(root, route.params, ctx);
  }
}

async function boot(): Promise<void> {
  const app = document.getElementById('app')!;
  const token = document.querySelector<HTMLMetaElement>('meta[name="autolog-token"]')?.content ?? '';
  const api = new ApiClient(token);
  let config: ViewerConfig;
  try {
    config = await api.get<ViewerConfig>('config');
  } catch (error) {
    replaceChildren(
      app,
      statusLine(`Cannot reach the viewer's server: ${(error as Error).message}`, 'error'),
    );
    return;
  }
  let exp = chosenExperiments(config);
  const ctx: AppContext = { api, config, exp: () => exp };
  const main = h('main', { id: 'main', class: 'main', tabindex: '-1' });
  const live = h(
    'span',
    { class: 'live live-off', role: 'status', title: 'Updates as new traces arrive' },
    'Connecting…',
  );
  const navLinks = (['traces', 'sessions', 'analytics'] as const).map((page) =>
    h('a', { href: `#/${page}`, 'data-page': page }, page[0].toUpperCase() + page.slice(1)),
  );
  let page: Page = {};
  const render = () => {
    page.dispose?.();
    const route = parseRoute(location.hash);
    const section = route.page === 'trace' ? 'traces' : route.page === 'session' ? 'sessions' : route.page;
    for (const a of navLinks) {
      if (a.dataset.page === section) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    }
    main.textContent = '';
    page = mountRoute(route, main, ctx);
  };
  const picker = experimentPicker(config, exp, (value) => {
    exp = value;
    localStorage.setItem(EXP_KEY, value);
    render();
  });
  const header = h(
    'header',
    { class: 'topbar' },
    h('a', { class: 'brand', href: '#/traces' }, 'Autolog'),
    h('nav', { 'aria-label': 'Views' }, navLinks),
    h('span', { class: 'spacer' }),
    picker,
    h(
      'span',
      { class: 'store-path', title: config.storePath },
      config.storePath.split(/[\\/]/).slice(-2).join('/'),
    ),
    live,
  );
  replaceChildren(
    app,
    h(
      'a',
      {
        class: 'skip-link',
        href: '#main',
        onclick: (e: Event) => {
          e.preventDefault();
          main.focus();
        },
      },
      'Skip to content',
    ),
    header,
    main,
  );
  window.addEventListener('hashchange', render);
  listenForChanges(
    () => page.onLiveChange?.(),
    (connected) => {
      live.textContent = connected ? 'Live' : 'Reconnecting…';
      live.className = `live ${connected ? 'live-on' : 'live-off'}`;
    },
  );
  render();
}

void boot();
