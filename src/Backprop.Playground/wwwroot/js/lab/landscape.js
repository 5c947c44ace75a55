// The loss landscape: a 2-D slice of the run's real training loss around its current weights,
// along two filter-normalised random directions (Li et al.) or the plane of the run's own
// trajectory (first, middle, last weights), with the path projected on it and the projection
// error as a number, so the picture says how much of the path it really shows.
import { el, fmt, select, number } from './dom.js';
import { drawLandscape, floats } from './contours.js';

export class LandscapePanel {
  /** @param {HTMLElement} root @param {object} page */
  constructor(root, page) {
    this.page = page;
    this.directions = select('Plane', 'directions', ['trajectory', 'random'], 'trajectory');
    this.resolution = number('Resolution', 'resolution', 21, 5, 41, 2);
    this.span = number('Span (0 = auto)', 'span', 0, 0, 100, 'any');
    this.canvas = el('canvas', { width: 420, height: 420, class: 'lab-canvas', 'data-testid': 'landscape-canvas' });
    this.info = el('div', { class: 'lab-explain', 'data-testid': 'landscape-info' },
      el('p', { class: 'hint', text: 'Train the run a little, then compute: the slice goes through its current weights.' }));
    root.append(
      el('div', { class: 'lab-row lab-form' }, this.directions.wrap, this.resolution.wrap, this.span.wrap,
        el('button', { type: 'button', 'data-testid': 'landscape-compute', onclick: () => this.compute(), text: 'Compute' })),
      el('div', { class: 'lab-row lab-top' }, this.canvas, this.info));
  }

  async compute() {
    const id = this.page.runId();
    if (!id) return this.page.showError?.('landscape: no run yet');
    const body = { directions: this.directions.input.value, resolution: Number(this.resolution.input.value), span: Number(this.span.input.value) };
    let r;
    try {
      r = await this.page.api.post(`/api/runs/${encodeURIComponent(id)}/landscape`, body);
    } catch (e) {
      this.page.showError?.(e.message);
      return;
    }
    this.report = r;
    drawLandscape(this.canvas, { alphas: r.alphas, betas: r.betas, values: floats(r.losses) }, { paths: [{ points: r.path, color: '#f59322' }] });
    const plane = r.directions === 'random' ? 'two filter-normalised random directions (Li et al.)' : 'the plane of the run\'s first, middle and last weights (Gram–Schmidt)';
    this.info.replaceChildren(
      el('p', {}, 'Plane: ', plane, '.'),
      el('p', {}, 'Loss at the centre (the current weights): ', el('b', { 'data-testid': 'landscape-center', text: fmt(r.centerLoss) }),
        `; over the grid ${fmt(r.minLoss)} … ${fmt(r.maxLoss)} (colour and contours on log10).`),
      el('p', {}, `Path: ${r.path.length} points (epochs ${r.pathEpochs[0] ?? 0}–${r.pathEpochs[r.pathEpochs.length - 1] ?? 0}), hollow dot = start, filled = now.`),
      el('p', {}, 'Projection error: ', el('b', { 'data-testid': 'landscape-error', text: fmt(r.projectionError, 3) }),
        ' — the share of the path\'s distance from the centre that lies off this plane (0: the path is in the plane; near 1: the picture hides it).'));
  }
}
