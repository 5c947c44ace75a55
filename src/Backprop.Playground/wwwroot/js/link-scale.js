// How a number becomes a link's width and colour. Weights use TF Playground's scales (width 1–10
// px for |w| in [0, 5], colour orange–grey–blue over [-1, 1]). Gradients and updates are tiny and
// span decades, so they use a log scale anchored at the largest magnitude in the network.
import { diverging, css } from './colors.js';

/** How many decades below the largest magnitude still get a visible width. */
export const DECADES = 4;

/** The scale for a set of arrays: the log10 of their largest finite magnitude. */
export function magnitudeScale(arrays) {
  let max = 0;
  for (const a of arrays) for (let i = 0; i < a.length; i++) { const v = Math.abs(a[i]); if (v > max && Number.isFinite(v)) max = v; }
  return { top: max > 0 ? Math.log10(max) : -12, max };
}

/** Width and colour for value v: linear (weights, scale null) or log against scale.top. */
export function linkStyle(v, scale) {
  if (!Number.isFinite(v)) return { width: 6, color: '#d32f2f' };
  if (scale === null) {
    const width = 1 + (9 * Math.min(Math.abs(v), 5)) / 5;
    return { width, color: css(diverging(v)) };
  }
  const a = Math.abs(v);
  const t = a > 0 ? Math.max(0, Math.min(1, (Math.log10(a) - scale.top + DECADES) / DECADES)) : 0;
  return { width: 0.5 + 7.5 * t, color: css(diverging(Math.sign(v) * (0.25 + 0.75 * t))), t };
}
