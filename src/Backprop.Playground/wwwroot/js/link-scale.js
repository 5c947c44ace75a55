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

/** Colour steps per side of the diverging scale: finer than the eye tells apart, few enough to share. */
const COLOR_STEPS = 64;
const COLORS = Array.from({ length: 2 * COLOR_STEPS + 1 }, (_, i) => css(diverging((i - COLOR_STEPS) / COLOR_STEPS)));

/** The diverging colour of t in [-1, 1], from COLOR_STEPS steps a side (a link's colour is computed every frame). */
function color(t) {
  return COLORS[Math.round(Math.max(-1, Math.min(1, t)) * COLOR_STEPS) + COLOR_STEPS];
}

/** Width and colour for value v: linear (weights, scale null) or log against scale.top. */
export function linkStyle(v, scale) {
  if (!Number.isFinite(v)) return { width: 6, color: '#d32f2f' };
  if (scale === null) {
    const width = 1 + (9 * Math.min(Math.abs(v), 5)) / 5;
    return { width, color: color(v) };
  }
  const a = Math.abs(v);
  const t = a > 0 ? Math.max(0, Math.min(1, (Math.log10(a) - scale.top + DECADES) / DECADES)) : 0;
  return { width: 0.5 + 7.5 * t, color: color(Math.sign(v) * (0.25 + 0.75 * t)), t };
}
