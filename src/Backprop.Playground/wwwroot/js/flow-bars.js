// Gradient-flow bars: one row per layer, mean |dL/dW| and |dL/da| on ONE shared log10 axis (so a
// layer whose gradient is 10^4 times smaller than the last one's looks it), bands where gradients
// vanish (< 1e-6) or explode (> 1e2), a sparkline of each layer's history, and the first/last
// ratio. The numbers are the library's GradientFlow statistics, sent in every frame.

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
    for (const r of this.rows) r.spark?.destroy();
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
      this.rows.push({ row, w, a, value, sparkHost: spark, spark: null, x: [], yw: [], ya: [], n: 0 });
    });
  }

  /** @param {{layers: {name, weightGrad, activationGrad}[], firstToLast: number}} flow */
  update(flow, epoch) {
    if (!flow || !flow.layers?.length) return;
    if (flow.layers.map((l) => l.name).join('|') !== this.names) this.build(flow.layers);
    flow.layers.forEach((l, i) => {
      const r = this.rows[i];
      r.w.style.width = `${position(l.weightGrad) * 100}%`;
      r.a.style.width = `${position(l.activationGrad) * 100}%`;
      // null: no step yet (or a diverged one); the bar stays empty and the row unmarked.
      const g = l.weightGrad;
      const state = g == null ? '' : g > 0 && Math.log10(g) < VANISH ? 'vanishing'
        : !Number.isFinite(g) || Math.log10(g) > EXPLODE ? 'exploding' : '';
      r.row.dataset.state = state;
      r.value.textContent = `${sci(l.weightGrad)} · ${sci(l.activationGrad)}`;
      r.row.title = `mean |dL/dW| ${sci(l.weightGrad)}, mean |dL/da| ${sci(l.activationGrad)}`
        + (l.saturation != null ? `, saturated ${(l.saturation * 100).toFixed(0)}%` : '')
        + (l.updateRatioLog10 != null ? `, log10 update/weight ${l.updateRatioLog10.toFixed(1)}` : '');
      this.push(r, epoch, l);
    });
    this.ratioOut.textContent = Number.isFinite(flow.firstToLast) ? sci(flow.firstToLast) : '–';
  }

  push(r, epoch, l) {
    const last = r.x.length ? r.x[r.x.length - 1] : -1;
    if (epoch < last) { r.x.length = 0; r.yw.length = 0; r.ya.length = 0; }
    if (epoch === last) return;
    r.x.push(epoch);
    r.yw.push(l.weightGrad > 0 ? Math.log10(l.weightGrad) : null);
    r.ya.push(l.activationGrad > 0 ? Math.log10(l.activationGrad) : null);
    if (r.x.length > HISTORY) { r.x.shift(); r.yw.shift(); r.ya.shift(); }
    if (!r.spark && window.uPlot) {
      r.spark = new window.uPlot({
        width: 150, height: 26, legend: { show: false }, cursor: { show: false },
        scales: { x: { time: false }, y: { range: [LOG_MIN, LOG_MAX] } },
        axes: [{ show: false }, { show: false }],
        series: [{}, { stroke: '#0877bd', width: 1.25, points: { show: false } }, { stroke: '#8fbfdf', width: 1, points: { show: false } }],
      }, [r.x, r.yw, r.ya], r.sparkHost);
    } else r.spark?.setData([r.x, r.yw, r.ya]);
  }
}

/** A number in short scientific notation (gradients span decades). */
export function sci(v) {
  if (v == null) return '–';
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  return v.toExponential(1).replace('e+', 'e');
}
