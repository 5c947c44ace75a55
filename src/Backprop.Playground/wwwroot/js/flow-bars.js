// Gradient-flow bars: one row per layer, mean |dL/dW| and |dL/da| on ONE shared log10 axis (so a
// layer whose gradient is 10^4 times smaller than the last one's looks it), bands where gradients
// vanish (< 1e-6) or explode (> 1e2), a sparkline of each layer's history, and the first/last
// ratio. The numbers are the library's GradientFlow statistics, sent in every frame. The
// sparklines are painted into one canvas laid over their column: one layer to repaint a frame,
// not one chart per layer (see network-canvas.js for why that matters in a software compositor).

import { put, putText } from './dom.js';

export const LOG_MIN = -10;
export const LOG_MAX = 4;
const VANISH = -6;
const EXPLODE = 2;
const HISTORY = 300;

function el(tag, cls, parent) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (parent) parent.appendChild(e);
  return e;
}

/** Where log10(v) sits on the shared axis, as a fraction 0–1 (0 for zero or less). */
export function position(v) {
  if (!(v > 0)) return 0;
  const t = (Math.log10(v) - LOG_MIN) / (LOG_MAX - LOG_MIN);
  return Math.max(0, Math.min(1, t));
}

export class FlowBars {
  constructor(host, ratioOut) {
    this.host = host;
    this.ratioOut = ratioOut;
    this.rows = [];
    this.names = '';
  }

  build(layers) {
    this.names = layers.map((l) => l.name).join('|');
    this.host.replaceChildren();
    this.rows = [];
    const axis = el('div', 'flow-row flow-axis', this.host);
    el('span', 'flow-name', axis);
    const ticks = el('div', 'flow-ticks', axis);
    for (let p = LOG_MIN; p <= LOG_MAX; p += 2) {
      const t = el('span', null, ticks);
      t.textContent = `1e${p}`;
      t.style.left = `${((p - LOG_MIN) / (LOG_MAX - LOG_MIN)) * 100}%`;
    }
    el('span', 'flow-value', axis).textContent = 'dL/dW · dL/da';
    el('span', 'flow-spark-title', axis).textContent = 'log₁₀ |dL/dW| history';
    layers.forEach((layer, i) => {
      const row = el('div', 'flow-row', this.host);
      row.dataset.layer = String(i);
      const name = el('span', 'flow-name', row);
      name.textContent = i === layers.length - 1 ? 'output layer' : `hidden layer ${i + 1}`;
      name.title = `the library's name: ${layer.name}`;
      const track = el('div', 'flow-track', row);
      const vanish = el('div', 'band vanish', track);
      vanish.style.width = `${((VANISH - LOG_MIN) / (LOG_MAX - LOG_MIN)) * 100}%`;
      vanish.title = 'vanishing: below 1e-6';
      const explode = el('div', 'band explode', track);
      explode.style.left = `${((EXPLODE - LOG_MIN) / (LOG_MAX - LOG_MIN)) * 100}%`;
      explode.title = 'exploding: above 1e2';
      const w = el('div', 'bar weight', track);
      const a = el('div', 'bar activation', track);
      const value = el('span', 'flow-value', row);
      const spark = el('div', 'flow-spark', row);
      const r = { row, w, a, value, sparkHost: spark, x: [], yw: [], ya: [], title: '' };
      // The row's tooltip is written when the pointer comes, not every frame (a changed title
      // restyles the row).
      row.addEventListener('pointerenter', () => put(row, 'title', r.title));
      this.rows.push(r);
    });
    this.sparks = el('canvas', 'flow-sparks', this.host);
    this.sparks.setAttribute('aria-label', 'log10 |dL/dW| history per layer');
    this.layoutSparks();
    // The column moves when the page is resized: the canvas follows its cells.
    this.resizer?.disconnect();
    this.resizer = new ResizeObserver(() => { this.layoutSparks(); this.drawSparks(); });
    this.resizer.observe(this.host);
  }

  /** Puts the canvas over the sparkline cells (read once per build or resize, never per frame). */
  layoutSparks() {
    const cells = this.rows.map((r) => r.sparkHost);
    if (!cells.length) return;
    const first = cells[0], last = cells[cells.length - 1];
    const box = { x: first.offsetLeft, y: first.offsetTop, w: first.offsetWidth, h: last.offsetTop + last.offsetHeight - first.offsetTop };
    this.cellTops = cells.map((c) => c.offsetTop - box.y);
    this.cellHeight = first.offsetHeight;
    const dpr = window.devicePixelRatio || 1;
    const c = this.sparks;
    c.style.left = `${box.x}px`;
    c.style.top = `${box.y}px`;
    c.style.width = `${box.w}px`;
    c.style.height = `${box.h}px`;
    c.width = Math.max(1, Math.round(box.w * dpr));
    c.height = Math.max(1, Math.round(box.h * dpr));
    this.sparkBox = box;
    this.dpr = dpr;
  }

  /** Each layer's history as two lines (dL/dW dark, dL/da light) on the shared log axis. */
  drawSparks() {
    const c = this.sparks, box = this.sparkBox;
    if (!c || !box) return;
    const ctx = c.getContext('2d');
    ctx.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
    ctx.clearRect(0, 0, box.w, box.h);
    this.rows.forEach((r, i) => {
      const n = r.x.length;
      if (n < 2) return;
      const x0 = r.x[0], span = r.x[n - 1] - x0 || 1, top = this.cellTops[i], h = this.cellHeight;
      for (const [ys, color, width] of [[r.ya, '#8fbfdf', 1], [r.yw, '#0877bd', 1.25]]) {
        ctx.beginPath();
        let pen = false;
        for (let k = 0; k < n; k++) {
          if (ys[k] === null) { pen = false; continue; } // a gap: no gradient at that epoch
          const px = ((r.x[k] - x0) / span) * box.w;
          const py = top + h - ((Math.max(LOG_MIN, Math.min(LOG_MAX, ys[k])) - LOG_MIN) / (LOG_MAX - LOG_MIN)) * h;
          if (pen) ctx.lineTo(px, py); else ctx.moveTo(px, py);
          pen = true;
        }
        ctx.strokeStyle = color;
        ctx.lineWidth = width;
        ctx.stroke();
      }
    });
  }

  /** @param {{layers: {name, weightGrad, activationGrad}[], firstToLast: number}} flow */
  update(flow, epoch) {
    if (!flow || !flow.layers?.length) return;
    if (flow.layers.map((l) => l.name).join('|') !== this.names) this.build(flow.layers);
    flow.layers.forEach((l, i) => {
      const r = this.rows[i];
      // A bar's length is a horizontal scale of a full-width bar: no layout, only compositing
      // (a width would lay the page out again every frame). Written only when it changed (0.1 %).
      put(r.w.style, 'transform', `scaleX(${position(l.weightGrad).toFixed(3)})`);
      put(r.a.style, 'transform', `scaleX(${position(l.activationGrad).toFixed(3)})`);
      // null: no step yet (or a diverged one); the bar stays empty and the row unmarked.
      const g = l.weightGrad;
      const state = g == null ? '' : g > 0 && Math.log10(g) < VANISH ? 'vanishing'
        : !Number.isFinite(g) || Math.log10(g) > EXPLODE ? 'exploding' : '';
      put(r.row.dataset, 'state', state);
      putText(r.value, `${sci(l.weightGrad)} · ${sci(l.activationGrad)}`);
      r.title = (`mean |dL/dW| ${sci(l.weightGrad)}, mean |dL/da| ${sci(l.activationGrad)}`
        + (l.saturation != null ? `, saturated ${(l.saturation * 100).toFixed(0)}%` : '')
        + (l.updateRatioLog10 != null ? `, log10 update/weight ${l.updateRatioLog10.toFixed(1)}` : ''));
      if (r.row.matches(':hover')) put(r.row, 'title', r.title);
      this.push(r, epoch, l);
    });
    this.drawSparks();
    putText(this.ratioOut, Number.isFinite(flow.firstToLast) ? sci(flow.firstToLast) : '–');
  }

  push(r, epoch, l) {
    const last = r.x.length ? r.x[r.x.length - 1] : -1;
    if (epoch < last) { r.x.length = 0; r.yw.length = 0; r.ya.length = 0; }
    if (epoch === last) return;
    r.x.push(epoch);
    r.yw.push(l.weightGrad > 0 ? Math.log10(l.weightGrad) : null);
    r.ya.push(l.activationGrad > 0 ? Math.log10(l.activationGrad) : null);
    if (r.x.length > HISTORY) { r.x.shift(); r.yw.shift(); r.ya.shift(); }
  }
}

/** A number in short scientific notation (gradients span decades). */
export function sci(v) {
  if (v == null) return '–';
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  return v.toExponential(1).replace('e+', 'e');
}
