/**
 * The bundled browser UI (`dist/ui/app.js`, `dist/ui/app.css`, built by `scripts/build-ui.mjs`):
 * found next to the package, read once, served from memory with an ETag. Nothing is fetched
 * from anywhere else.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ViewerError } from './viewer-error.js';

export interface UiAsset {
  body: Buffer;
  contentType: string;
  etag: string;
}

const FILES: Record<string, string> = {
  'app.js': 'text/javascript; charset=utf-8',
  'app.css': 'text/css; charset=utf-8',
  'app.js.map': 'application/json; charset=utf-8',
};

const PACKAGE_NAME = '@autolog/viewer';

/** The package's root: the nearest parent folder whose package.json is this package. */
export function packageRoot(from: string = dirname(fileURLToPath(import.meta.url))): string {
  let dir = from;
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === PACKAGE_NAME)
          return dir;
      } catch {
        // not a readable manifest: keep looking
      }
    }
    const parent = dirname(dir);
    if (parent === dir)
      throw new ViewerError('UI_NOT_BUILT', `Cannot find the ${PACKAGE_NAME} package folder above ${from}.`);
    dir = parent;
  }
}

/**
 * Reads the built UI.
 * @throws ViewerError `UI_NOT_BUILT` when the bundle is missing (a source checkout before `build`).
 */
export function loadUiAssets(dir: string = join(packageRoot(), 'dist', 'ui')): Map<string, UiAsset> {
  const assets = new Map<string, UiAsset>();
  for (const [file, contentType] of Object.entries(FILES)) {
    const path = join(dir, file);
    if (!existsSync(path)) {
      throw new ViewerError(
        'UI_NOT_BUILT',
        `The viewer's UI bundle is missing (${path}). Build it with \`npx -y pnpm@10.34.8 --filter @autolog/viewer build\`.`,
      );
    }
    const body = readFileSync(path);
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
    assets.set(file, { body, contentType, etag });
  }
  return assets;
}

/** The page shell: the session token for writes travels in a meta tag only this origin can read. */
export function indexHtml(token: string, assets: Map<string, UiAsset>): string {
  const v = (file: string) => encodeURIComponent(assets.get(file)?.etag.slice(1, 9) ?? '0');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="autolog-token" content="${token}">
<title>Autolog traces</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/assets/app.css?v=${v('app.css')}">
</head>
<body>
<div id="app" class="app"><p class="boot">Loading traces…</p></div>
<noscript>The Autolog viewer needs JavaScript.</noscript>
<script src="/assets/app.js?v=${v('app.js')}" defer></script>
</body>
</html>
`;
}

export const FAVICON_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#1f4fd1"/><path d="M3 4h10M5 8h8M7 12h6" stroke="#fff" stroke-width="2" stroke-linecap="round"/></svg>';
