// Draws a quantised heatmap (one byte per cell, row 0 = top) into a canvas of the grid's own
// size; CSS scales it up (TF's trick: a 50x50 putImageData is cheap, the GPU does the rest).
import { BYTE_LUT, CLASS_COLORS } from './colors.js';

/**
 * @param {HTMLCanvasElement} canvas
 * @param {Uint8Array} bytes  size*size values, starting at offset
 * @param {number} size
 * @param {{offset?: number, discretize?: boolean, classes?: Uint8Array|null, fade?: number}} options
 *   classes: argmax class per cell (multi-class output) drawn in the class colours;
 *   fade: blend towards white, so the points on top stay readable (TF's main plot is pale too).
 */
export function drawHeatmap(canvas, bytes, size, { offset = 0, discretize = false, classes = null, fade = 0 } = {}) {
  if (canvas.width !== size) { canvas.width = size; canvas.height = size; canvas._img = null; }
  // The context and pixel buffer are kept on the canvas: ~50 heatmaps are redrawn every frame.
  const ctx = canvas._ctx ?? (canvas._ctx = canvas.getContext('2d'));
  const img = canvas._img ?? (canvas._img = ctx.createImageData(size, size));
  const px = img.data;
  const keep = 1 - fade;
  for (let i = 0; i < size * size; i++) {
    let r, g, b;
    if (classes) {
      const c = CLASS_COLORS[classes[i] % CLASS_COLORS.length];
      // Confidence (how far the byte is from the middle) sets how strong the class colour is.
      const strength = discretize ? 1 : 0.35 + 0.65 * Math.abs(bytes[offset + i] - 127.5) / 127.5;
      r = 255 - (255 - c[0]) * strength; g = 255 - (255 - c[1]) * strength; b = 255 - (255 - c[2]) * strength;
    } else {
      let v = bytes[offset + i];
      if (discretize) v = v >= 128 ? 255 : 0;
      r = BYTE_LUT[v * 3]; g = BYTE_LUT[v * 3 + 1]; b = BYTE_LUT[v * 3 + 2];
    }
    px[i * 4] = r * keep + 255 * fade;
    px[i * 4 + 1] = g * keep + 255 * fade;
    px[i * 4 + 2] = b * keep + 255 * fade;
    px[i * 4 + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
}

/** The heatmap of a formula over the plane [-6, 6]² (input features: fixed pictures, drawn once). */
export function drawFunction(canvas, size, f, scale) {
  const bytes = new Uint8Array(size * size);
  for (let row = 0; row < size; row++) {
    const x2 = 6 - (12 * (row + 0.5)) / size;
    for (let col = 0; col < size; col++) {
      const x1 = -6 + (12 * (col + 0.5)) / size;
      const v = Math.max(-1, Math.min(1, f(x1, x2) / scale));
      bytes[row * size + col] = Math.round(((v + 1) / 2) * 255);
    }
  }
  drawHeatmap(canvas, bytes, size);
}
