// The optimizer race: 2–4 runs with the same seed, data and initial weights, one optimizer each,
// stepped in sync by the server. Their loss curves overlaid (uPlot), and their paths on one
// shared plane through the common start (optionally over the loss contours of that plane).
import { el, fmt, number } from './dom.js';
import { drawLandscape, floats } from './contours.js';

const OPTIMIZERS = ['sgd', 'momentum', 'adam', 'rmsprop'];
const COLORS = { sgd: '#f59322', momentum: '#6a3d9a', adam: '#0877bd', rmsprop: '#2e7d32' };
// Settings the race does not take from the page: each racer has its own optimizer, and the page-only keys.
const NOT_RACED = ['optimizer', 'discretize', 'showTest'];

export class RacePanel {
  /** @param {HTMLElement} root @param {object} page */
  constructor(root, page) {
    this.page = page;
    this.race = null;
    this.playing = false;
    this.checks = OPTIMIZERS.map((o) => el('input', { type: 'checkbox', value: o, checked: o !== 'rmsprop', 'data-testid': `race-${o}` }));
    this.rate = number('Learning rate', 'learningRate', 0.03, 0.00001, 10, 'any');
    this.playButton = el('button', { type: 'button', 'data-testid': 'race-play', onclick: () => this.toggle(), text: 'Play' });
    this.status = el('p', { class: 'lab-headline', 'data-testid': 'race-status' });
    this.chart = el('div', { class: 'lab-race-chart', 'data-testid': 'race-chart' });
    this.canvas = el('canvas', { width: 420, height: 420, class: 'lab-canvas', 'data-testid': 'race-canvas' });
    this.legend = el('div', { class: 'lab-legend' });
    root.append(
      el('div', { class: 'lab-row lab-form' },
        this.checks.map((c) => el('label', {}, c, ' ', c.value)), this.rate.wrap,
        el('button', { type: 'button', 'data-testid': 'race-start', onclick: () => this.start(), text: 'Start race' }),
        el('button', { type: 'button', 'data-testid': 'race-step', onclick: () => this.step(10), text: 'Step ×10' }),
        this.playButton,
        el('button', { type: 'button', 'data-testid': 'race-landscape', onclick: () => this.contours(), text: 'Contours' })),
      el('p', { class: 'hint', text: 'Same seed, data and initial weights for every racer (the page\'s current settings); only the optimizer differs.' }),
      this.status, this.legend,
      el('div', { class: 'lab-row lab-top' }, this.canvas, this.chart));
  }

  async start() {
    const optimizers = this.checks.filter((c) => c.checked).map((c) => c.value);
    const settings = { ...(this.page.settings?.() ?? {}), learningRate: Number(this.rate.input.value) };
    for (const key of NOT_RACED) delete settings[key];
    this.stop();
    try {
      this.race = await this.page.api.post('/api/races', { settings, optimizers });
    } catch (e) {
      this.page.showError?.(e.message);
      return;
    }
    this.grid = null;
    this.plot?.destroy();
    this.plot = null;
    this.render();
  }

  async step(n) {
    if (!this.race) return this.page.showError?.('race: start a race first');
    try {
      this.race = await this.page.api.post(`/api/races/${encodeURIComponent(this.race.id)}/step?n=${n}`);
    } catch (e) {
      this.stop();
      this.page.showError?.(e.message);
      return;
    }
    this.render();
  }

  toggle() { if (this.playing) this.stop(); else this.play(); }

  async play() {
    if (!this.race) return this.page.showError?.('race: start a race first');
    this.playing = true;
    this.playButton.textContent = 'Pause';
    while (this.playing && this.race.racers.some((r) => r.status !== 'diverged')) await this.step(2);
    this.stop();
  }

  stop() {
    this.playing = false;
    this.playButton.textContent = 'Play';
  }

  async contours() {
    if (!this.race) return this.page.showError?.('race: start a race first');
    try {
      const r = await this.page.api.post(`/api/races/${encodeURIComponent(this.race.id)}/landscape`, { resolution: 21 });
      this.grid = { alphas: r.alphas, betas: r.betas, values: floats(r.losses) };
    } catch (e) {
      this.page.showError?.(e.message);
      return;
    }
    this.render();
  }

  render() {
    const race = this.race;
    this.status.replaceChildren(`Epoch ${race.epoch}. `, ...race.racers.flatMap((r) => [
      el('span', { class: 'lab-figure' }, el('span', { class: 'name', text: r.optimizer }),
        el('b', { 'data-testid': `race-loss-${r.optimizer}`, text: fmt(r.trainLoss) })), ' ']),
      el('span', { class: 'hint', text: ` projection error ${fmt(race.projectionError, 3)}` }));
    this.legend.replaceChildren(...race.racers.map((r) => el('span', {}, el('span', { class: `swatch swatch-${r.optimizer}` }), r.optimizer)));
    this.drawPaths();
    this.drawCurves();
  }

  drawPaths() {
    const paths = this.race.racers.map((r) => ({ points: r.path, color: COLORS[r.optimizer] }));
    let grid = this.grid;
    if (!grid) {
      // No contours yet: a blank grid over the paths' extent, so the paths still have axes.
      const all = paths.flatMap((p) => p.points);
      const ext = (k) => { const v = all.map((p) => p[k]); const lo = Math.min(...v, 0), hi = Math.max(...v, 0); const m = (hi - lo) * 0.1 || 1; return [lo - m, hi + m]; };
      const [a0, a1] = ext(0), [b0, b1] = ext(1);
      grid = { alphas: [a0, a1], betas: [b0, b1], values: new Float32Array([1, 1, 1, 1]) };
    }
    drawLandscape(this.canvas, grid, { paths, levels: this.grid ? 12 : 0 });
  }

  drawCurves() {
    const racers = this.race.racers;
    const epochs = racers[0].epochs;
    const data = [epochs, ...racers.map((r) => r.losses.map((v) => (v === null ? null : Math.max(v, 1e-8))))];
    if (!window.uPlot) {
      this.chart.textContent = racers.map((r) => `${r.optimizer}: ${fmt(r.trainLoss)}`).join('  ');
      return;
    }
    if (this.plot && this.plot.series.length === racers.length + 1) {
      this.plot.setData(data);
      return;
    }
    this.plot?.destroy();
    this.chart.replaceChildren();
    this.plot = new window.uPlot({
      width: 420, height: 300,
      scales: { x: { time: false }, y: { distr: 3 } },
      // A log axis: label the decades as powers of ten (the default prints 1e-4 as 0).
      axes: [{ label: 'epoch' }, { label: 'train loss (log)', size: 60, values: (u, vals) => vals.map((v) => (v === null ? '' : v >= 0.01 ? String(v) : v.toExponential(0))) }],
      series: [{ label: 'epoch' }, ...racers.map((r) => ({ label: r.optimizer, stroke: COLORS[r.optimizer], width: 2 }))],
    }, data, this.chart);
  }
}
