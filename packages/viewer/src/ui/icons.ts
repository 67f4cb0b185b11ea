/**
 * Small inline SVG icons (no icon font, no emoji font needed: the page renders the same on any
 * machine, and nothing is fetched).
 */
import { s } from './dom.js';

const THUMB = 'M2 7h3v8H2zM6 7l3-6c1.2 0 2 .9 2 2v3h3.2c.9 0 1.6.8 1.4 1.7l-1.2 6c-.1.7-.7 1.3-1.4 1.3H6z';

/** A thumb, up or down. */
export function thumbIcon(up: boolean): SVGSVGElement {
  return s(
    'svg',
    {
      viewBox: '0 0 16 16',
      width: 14,
      height: 14,
      class: `icon thumb-icon${up ? '' : ' thumb-down'}`,
      'aria-hidden': 'true',
    },
    s('path', { d: THUMB }),
  );
}
