/**
 * Hash routes, so every view has a URL that can be reloaded, bookmarked and used with Back:
 * `#/traces?q=…`, `#/traces/<id>?span=…`, `#/sessions`, `#/sessions/<id>`, `#/analytics?by=…`.
 */

export type Route =
  | { page: 'traces'; params: URLSearchParams }
  | { page: 'trace'; id: string; params: URLSearchParams }
  | { page: 'sessions'; params: URLSearchParams }
  | { page: 'session'; id: string; params: URLSearchParams }
  | { page: 'analytics'; params: URLSearchParams };

/** The route of a location hash (anything unknown is the trace list). */
export function parseRoute(hash: string): Route {
  const text = hash.replace(/^#/, '');
  const [path, search = ''] = text.split('?', 2);
  const params = new URLSearchParams(search);
  const parts = path
    .split('/')
    .filter(Boolean)
    .map((p) => {
      try {
        return decodeURIComponent(p);
      } catch {
        return p;
      }
    });
  if (parts[0] === 'traces' && parts[1]) return { page: 'trace', id: parts[1], params };
  if (parts[0] === 'sessions' && parts[1]) return { page: 'session', id: parts[1], params };
  if (parts[0] === 'sessions') return { page: 'sessions', params };
  if (parts[0] === 'analytics') return { page: 'analytics', params };
  return { page: 'traces', params };
}

/** A hash link: `link(['traces', id], { span })`. Empty parameters are left out. */
export function link(
  path: readonly string[],
  params: Record<string, string | undefined | null> = {},
): string {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params))
    if (v !== undefined && v !== null && v !== '') search.set(k, v);
  const q = search.toString();
  return `#/${path.map(encodeURIComponent).join('/')}${q ? `?${q}` : ''}`;
}

/** Goes to a hash link (a new history entry; the page for it is shown). */
export function navigate(href: string): void {
  location.hash = href.slice(1);
}

/** Records view state (the selected span, the page of results) in the URL without reloading the view. */
export function rememberInUrl(href: string): void {
  history.replaceState(history.state, '', href);
}
