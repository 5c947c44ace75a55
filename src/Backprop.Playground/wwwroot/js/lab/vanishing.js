// The vanishing-gradient lab: a deep MLP measured on one random batch by the library's
// GradientFlow recorder (the numbers `backprop gradflow` prints). Per layer: the share of
// saturated (or dead) units, mean |dL/dW| with its spread on a log scale, and the log10
// update/weight ratio of one SGD step against the -3 guide; the first/last ratio as one number.
import { el, svg, fmt, select, number } from './dom.js';

const ACTIVATIONS = ['sigmoid', 'tanh', 'relu', 'leakyrelu', 'linear'];
const INITS = ['default', 'tf', 'normal', 'small', 'xavier', 'he'];
const CHAPTER = { depth: 12, width: 32, activation: 'sigmoid', init: 'default', seed: 1, learningRate: 0.1 };

export class VanishingLab {
  /** @param {HTMLElement} root @param {object} page */
  constructor(root, page) {
    this.page = page;
    this.fields = {
      depth: number('Depth', 'depth', CHAPTER.depth, 1, 20),
      width: number('Width', 'width', CHAPTER.width, 1, 64),
      activation: select('Activation', 'activation', ACTIVATIONS, CHAPTER.activation),
      init: select('Init', 'init', INITS, CHAPTER.init),
      seed: number('Seed', 'seed', CHAPTER.seed, 0, 4294967295),
      learningRate: number('SGD rate', 'learningRate', CHAPTER.learningRate, 0.00001, 10, 'any'),
    };
    this.result = el('div', { class: 'lab-vanishing-result', 'data-testid': 'vanishing-result' });
    this.headline = el('p', { class: 'lab-headline', 'data-testid': 'vanishing-headline' });
    root.append(
      el('div', { class: 'lab-row lab-form' }, Object.values(this.fields).map((f) => f.wrap),
        el('button', { type: 'button', 'data-testid': 'vanishing-measure', onclick: () => this.measure(), text: 'Measure' }),
        el('button', { type: 'button', 'data-testid': 'vanishing-chapter', onclick: () => this.preset(), text: "Chapter's 12 sigmoid layers" })),
      el('p', { class: 'hint', text: 'One forward and backward pass of a random batch (cross-entropy on random labels, 10 outputs), then one plain SGD step — as `backprop gradflow` measures.' }),
      this.headline, this.result);
  }

  preset() {
    for (const [key, value] of Object.entries(CHAPTER)) this.fields[key].input.value = value;
    return this.measure({ preset: 'chapter' });
  }

  async measure(body) {
    const request = body ?? {
      depth: Number(this.fields.depth.input.value), width: Number(this.fields.width.input.value),
      activation: this.fields.activation.input.value, init: this.fields.init.input.value,
      seed: Number(this.fields.seed.input.value), learningRate: Number(this.fields.learningRate.input.value),
    };
    try {
      this.report = await this.page.api.post('/api/lab/vanishing', request);
    } catch (e) {
      this.page.showError?.(e.message);
      return;
    }
    this.render();
  }

  render() {
    const r = this.report;
    const ratio = r.firstToLast;
    this.headline.replaceChildren(
      el('span', { class: `verdict ${r.verdict}`, text: r.verdict }), ' first/last mean |dL/dW| = ',
      el('b', { 'data-testid': 'vanishing-ratio', text: fmt(ratio, 3) }),
      ratio ? ` (10^${Math.log10(ratio).toFixed(1)})` : '', el('br'), el('span', { class: 'hint', text: r.message }));
    this.result.replaceChildren(this.chart(r));
  }

  chart(r) {
    const rowH = 18, top = 34, left = 46, panel = 300, gap = 60;
    const h = top + r.layers.length * rowH + 10;
    const w = left + 3 * panel + 2 * gap + 10;
    const root = svg('svg', { width: w, height: h, viewBox: `0 0 ${w} ${h}`, class: 'lab-bars', role: 'img', 'aria-label': 'per-layer gradient statistics' });
    const x0 = [left, left + panel + gap, left + 2 * (panel + gap)];
    const titles = ['saturated / dead units', 'mean |dL/dW| ± spread (log10)', 'log10 update / weight'];
    titles.forEach((t, i) => root.append(svg('text', { x: x0[i], y: 12, class: 'axis-title', text: t })));

    // A shared log scale for the gradients, from the smallest spread low to the largest high.
    const lows = r.layers.map((l) => Math.max(l.gradMean - l.gradStd, l.gradMean / 10, 1e-30));
    const highs = r.layers.map((l) => Math.max(l.gradMean + l.gradStd, 1e-30));
    const gMin = Math.floor(Math.log10(Math.min(...lows))), gMax = Math.ceil(Math.log10(Math.max(...highs)));
    const gx = (v) => x0[1] + ((Math.log10(Math.max(v, 1e-30)) - gMin) / Math.max(1, gMax - gMin)) * panel;
    const ratios = r.layers.map((l) => l.updateRatioLog10).filter((v) => v !== null);
    const uMin = Math.min(-6, Math.floor(Math.min(...ratios, -3)) - 1), uMax = Math.max(0, Math.ceil(Math.max(...ratios, -3)));
    const ux = (v) => x0[2] + ((v - uMin) / (uMax - uMin)) * panel;

    for (const [i, x] of x0.entries()) root.append(svg('line', { x1: x, y1: top - 4, x2: x, y2: h - 8, class: 'axis' }));
    for (const [v, text] of [[gMin, `1e${gMin}`], [gMax, `1e${gMax}`]]) root.append(svg('text', { x: gx(10 ** v), y: 26, class: 'tick', text }));
    for (const v of [uMin, -3, uMax]) root.append(svg('text', { x: ux(v), y: 26, class: 'tick', text: String(v) }));
    root.append(svg('line', { x1: ux(-3), y1: top - 4, x2: ux(-3), y2: h - 8, class: 'guide' }));
    // Bands: a gradient below 1e-6 vanishes, above 1e2 explodes (the page's flow bars use the same).
    if (gMin < -6) root.append(svg('rect', { x: x0[1], y: top - 4, width: Math.max(0, gx(1e-6) - x0[1]), height: h - top - 4, class: 'band vanish' }));

    r.layers.forEach((l, i) => {
      const y = top + i * rowH;
      root.append(svg('text', { x: left - 6, y: y + 11, class: 'row-label', text: `L${i + 1}` }, svg('title', { text: `layer '${l.name}' (${l.inFeatures}→${l.outFeatures})` })));
      if (l.saturation !== null) {
        root.append(svg('rect', { x: x0[0], y: y + 2, width: panel * l.saturation, height: rowH - 6, class: `bar ${l.saturationKind}` }),
          svg('text', { x: x0[0] + 4 + panel * l.saturation, y: y + 11, class: 'value', text: `${(100 * l.saturation).toFixed(0)}% ${l.saturationKind}` }));
      } else {
        root.append(svg('text', { x: x0[0] + 4, y: y + 11, class: 'value muted', text: i === r.layers.length - 1 ? 'output (no activation)' : 'n/a' }));
      }
      const lo = lows[i];
      root.append(svg('line', { x1: gx(lo), y1: y + rowH / 2 - 1, x2: gx(l.gradMean + l.gradStd), y2: y + rowH / 2 - 1, class: 'spread' }),
        svg('rect', { x: x0[1], y: y + 3, width: Math.max(1, gx(l.gradMean) - x0[1]), height: rowH - 8, class: 'bar grad', 'data-testid': 'vanishing-grad' },
          svg('title', { text: `mean |dL/dW| ${fmt(l.gradMean)}, std ${fmt(l.gradStd)}, max ${fmt(l.gradMax)}` })));
      if (l.updateRatioLog10 !== null) {
        root.append(svg('circle', { cx: ux(l.updateRatioLog10), cy: y + rowH / 2 - 1, r: 4, class: 'dot' },
          svg('title', { text: `log10 update/weight ${l.updateRatioLog10.toFixed(2)}` })));
      } else {
        // The step was below float32's resolution of the weights: W + ΔW rounds back to W.
        root.append(svg('text', { x: x0[2] + 4, y: y + 11, class: 'value muted', text: 'no change (below float32 resolution)' }));
      }
    });
    return root;
  }
}
