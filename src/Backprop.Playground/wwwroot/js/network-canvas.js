// The network's live picture in ONE canvas: links, every neuron's heatmap, bias squares and the
// gradient view's rims. A frame repaints this one layer; the DOM above it (the node boxes, the
// invisible SVG paths that take the clicks and hovers) stays still. Headless Chromium composites
// in software: with 384 restyled SVG paths and 49 small canvases, a frame kept the renderer's
// main thread twice as long (docs/performance.md, the playground's browser frame rate).
import { BYTE_LUT } from './colors.js';

export class NetworkCanvas {
  /** @param {HTMLElement} host  @param {number} width  @param {number} height (CSS pixels) */
  constructor(host, width, height) {
    const canvas = document.createElement('canvas');
    canvas.className = 'network-canvas';
    const dpr = window.devicePixelRatio || 1;
    canvas.width = Math.round(width * dpr);
    canvas.height = Math.round(height * dpr);
    canvas.style.width = `${width}px`;
    canvas.style.height = `${height}px`;
    host.prepend(canvas);
    this.canvas = canvas;
    this.ctx = canvas.getContext('2d');
    this.dpr = dpr;
    this.sheet = null; // the neurons' heatmaps, one size x size tile each, stacked vertically
  }

  /**
   * Copies every neuron's heatmap (count tiles of size x size bytes) into one sheet of tiles, as
   * an ImageBitmap. A bitmap, not a canvas: Chromium snapshots a canvas source on every
   * drawImage (49 a frame), and writing the pixels into the big canvas instead (putImageData
   * per neuron) made it flush and copy its whole backing store; both cost more than the rest of
   * the picture (a trace: 23 ms a frame against 5 for the 384 links).
   */
  setHeatmaps(bytes, size, count, discretize) {
    const tiles = Math.min(count, Math.floor(bytes.length / (size * size)));
    if (tiles === 0) {
      this.sheet?.close();
      this.sheet = null;
      return;
    }
    if (!this.sheetCanvas || this.sheetCanvas.width !== size || this.sheetCanvas.height !== size * tiles) {
      this.sheetCanvas = new OffscreenCanvas(size, size * tiles);
      this.sheetImage = new ImageData(size, size * tiles);
    }
    const px = this.sheetImage.data;
    for (let i = 0; i < size * size * tiles; i++) {
      let v = bytes[i];
      if (discretize) v = v >= 128 ? 255 : 0;
      px[i * 4] = BYTE_LUT[v * 3];
      px[i * 4 + 1] = BYTE_LUT[v * 3 + 1];
      px[i * 4 + 2] = BYTE_LUT[v * 3 + 2];
      px[i * 4 + 3] = 255;
    }
    const sheet = this.sheetCanvas.getContext('2d');
    sheet.putImageData(this.sheetImage, 0, 0);
    this.sheet?.close();
    this.sheet = this.sheetCanvas.transferToImageBitmap();
    this.tile = size;
    this.tiles = tiles;
  }

  /**
   * Paints the whole picture.
   * @param {{x1,y1,mx,x2,y2}[][]} links  geometry per layer, in the weight matrix's order
   * @param {{width: number, color: string}[][]} linkStyles  per layer, same order
   * @param {number} linkAlpha  1, or less while the backward wave draws on top
   * @param {{x,y,w,h}[]} neurons  each neuron's inner box, by heatmap index
   * @param {{x,y,w,h,color}[]} biases
   * @param {{x,y,w,h,color,width}[]} rims  dL/dz rims (the gradient view), or none
   */
  paint({ links, linkStyles, linkAlpha, neurons, biases, rims }) {
    const ctx = this.ctx;
    ctx.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
    ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
    ctx.globalAlpha = linkAlpha;
    ctx.lineCap = 'round';
    for (let l = 0; l < links.length && l < linkStyles.length; l++) {
      const geometry = links[l], styles = linkStyles[l];
      for (let k = 0; k < geometry.length; k++) {
        const g = geometry[k], s = styles[k];
        ctx.beginPath();
        ctx.moveTo(g.x1, g.y1);
        ctx.bezierCurveTo(g.mx, g.y1, g.mx, g.y2, g.x2, g.y2);
        ctx.strokeStyle = s.color;
        ctx.lineWidth = s.width;
        ctx.stroke();
      }
    }
    ctx.globalAlpha = 1;
    ctx.imageSmoothingEnabled = false; // the heatmaps' cells stay square, as TF draws them
    for (let k = 0; k < neurons.length; k++) {
      const b = neurons[k];
      if (this.sheet && k < this.tiles) ctx.drawImage(this.sheet, 0, k * this.tile, this.tile, this.tile, b.x, b.y, b.w, b.h);
      else { ctx.fillStyle = '#fff'; ctx.fillRect(b.x, b.y, b.w, b.h); } // a softmax's other outputs: no heatmap
    }
    ctx.lineWidth = 1;
    ctx.strokeStyle = '#777';
    for (const b of biases) {
      ctx.fillStyle = b.color;
      ctx.fillRect(b.x, b.y, b.w, b.h);
      ctx.strokeRect(b.x + 0.5, b.y + 0.5, b.w - 1, b.h - 1);
    }
    for (const r of rims) {
      ctx.strokeStyle = r.color;
      ctx.lineWidth = r.width;
      const pad = 1 + r.width / 2; // outside the node's border, as a CSS outline with offset 1px
      ctx.strokeRect(r.x - pad, r.y - pad, r.w + 2 * pad, r.h + 2 * pad);
    }
  }
}
