// TF Playground's colours, so the picture reads the same: orange is negative (class 0), blue is
// positive (class 1), a light grey is zero.
export const ORANGE = [245, 147, 34];
export const GREY = [232, 234, 235];
export const BLUE = [8, 119, 189];

/** Extra classes (3–5) get their own hues; 0 and 1 keep TF's orange and blue. */
export const CLASS_COLORS = [ORANGE, BLUE, [76, 175, 80], [156, 39, 176], [229, 57, 53]];

function mix(a, b, t) {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
}

/** The colour of a value in [-1, 1] (clamped): orange through grey to blue. */
export function diverging(v) {
  const t = Math.max(-1, Math.min(1, v));
  return t < 0 ? mix(GREY, ORANGE, -t) : mix(GREY, BLUE, t);
}

export function css(rgb, alpha = 1) {
  const [r, g, b] = rgb.map(Math.round);
  return alpha === 1 ? `rgb(${r},${g},${b})` : `rgba(${r},${g},${b},${alpha})`;
}

/** A 256-entry lookup from a heatmap byte to RGB, built once (heatmaps are drawn every frame). */
export const BYTE_LUT = (() => {
  const lut = new Uint8ClampedArray(256 * 3);
  for (let b = 0; b < 256; b++) {
    const c = diverging((b / 255) * 2 - 1);
    lut[b * 3] = c[0]; lut[b * 3 + 1] = c[1]; lut[b * 3 + 2] = c[2];
  }
  return lut;
})();
