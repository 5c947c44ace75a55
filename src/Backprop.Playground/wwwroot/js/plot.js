// The main plot: the decision boundary (or, while a neuron is hovered, that neuron's heatmap)
// with the data points on top. The heatmap is a small canvas scaled up by CSS; the points are
// SVG circles in data coordinates (viewBox [-6, 6]², x2 pointing up).
import { drawHeatmap } from './heatmap.js';
import { u8, f32 } from './codec.js';
import { CLASS_COLORS, diverging, css } from './colors.js';

const SVG = 'http://www.w3.org/2000/svg';

export class Plot {
  /** @param {{canvas: HTMLCanvasElement, svg: SVGSVGElement, label: HTMLElement}} els */
  constructor(els, { onPick, onDraw }) {
    this.els = els;
    this.mode = 'select';
    this.hover = null;          // {bytes, size, offset, title} while a neuron is hovered
    this.selected = 0;          // the training point the backward wave uses
    this.points = null;
    els.svg.addEventListener('click', (e) => {
      const [x1, x2] = this.toData(e);
      if (this.mode === 'draw') onDraw(x1, x2, e.shiftKey);
      else {
        const i = this.nearest(x1, x2);
        if (i >= 0) { this.select(i); onPick(i); }
      }
    });
  }

  toData(e) {
    const r = this.els.svg.getBoundingClientRect();
    return [-6 + (12 * (e.clientX - r.left)) / r.width, 6 - (12 * (e.clientY - r.top)) / r.height];
  }

  /** The nearest training point to (x1, x2), or -1 when there is none. */
  nearest(x1, x2) {
    if (!this.points) return -1;
    let best = -1, d = Infinity;
    for (let i = 0; i < this.trainCount; i++) {
      const dx = this.points[i * 3] - x1, dy = this.points[i * 3 + 1] - x2;
      if (dx * dx + dy * dy < d) { d = dx * dx + dy * dy; best = i; }
    }
    return best;
  }

  /** The points of a snapshot: train then test, each (x1, x2, label). */
  setPoints(snapshot, settings, regression) {
    this.points = f32(snapshot.points) ?? new Float32Array(0);
    this.trainCount = snapshot.trainCount ?? this.points.length / 3;
    const svg = this.els.svg;
    svg.replaceChildren();
    const train = document.createElementNS(SVG, 'g');
    const test = document.createElementNS(SVG, 'g');
    train.setAttribute('class', 'train');
    test.setAttribute('class', 'test');
    const n = this.points.length / 3;
    for (let i = 0; i < n; i++) {
      const c = document.createElementNS(SVG, 'circle');
      c.setAttribute('cx', this.points[i * 3].toFixed(3));
      c.setAttribute('cy', (-this.points[i * 3 + 1]).toFixed(3));
      c.setAttribute('r', '0.13');
      c.setAttribute('fill', pointColor(this.points[i * 3 + 2], settings, regression));
      (i < this.trainCount ? train : test).appendChild(c);
    }
    svg.append(train, test);
    this.marker = document.createElementNS(SVG, 'circle');
    this.marker.setAttribute('class', 'picked');
    this.marker.setAttribute('r', '0.32');
    svg.appendChild(this.marker);
    this.select(Math.min(this.selected, Math.max(0, this.trainCount - 1)));
    this.showTest(settings.showTest);
  }

  select(i) {
    this.selected = i;
    if (!this.points || i >= this.trainCount) { this.marker?.setAttribute('visibility', 'hidden'); return; }
    this.marker.setAttribute('visibility', 'visible');
    this.marker.setAttribute('cx', this.points[i * 3].toFixed(3));
    this.marker.setAttribute('cy', (-this.points[i * 3 + 1]).toFixed(3));
  }

  /** The selected training point as {x1, x2, label}, or null. */
  picked() {
    if (!this.points || this.selected >= this.trainCount) return null;
    const i = this.selected;
    return { index: i, x1: this.points[i * 3], x2: this.points[i * 3 + 1], label: this.points[i * 3 + 2] };
  }

  showTest(on) {
    this.els.svg.classList.toggle('hide-test', !on);
  }

  /** Draws the output (or the hovered neuron) of the newest frame. */
  draw(frame, { discretize }) {
    if (frame) this.last = frame;
    const f = this.last;
    if (this.hover) {
      drawHeatmap(this.els.canvas, this.hover.bytes, this.hover.size, { offset: this.hover.offset, discretize });
      return;
    }
    const hm = f?.heatmaps;
    if (!hm?.output) return;
    drawHeatmap(this.els.canvas, u8(hm.output), hm.outputSize, { discretize, classes: u8(hm.outputClass), fade: 0.15 });
  }

  /** Shows a neuron's heatmap in the big plot while it is hovered (TF's hover), null to go back. */
  setHover(hover, options) {
    this.hover = hover;
    this.els.label.hidden = !hover;
    if (hover) this.els.label.textContent = hover.title;
    this.draw(null, options);
  }
}

/** A point's colour: TF's orange/blue for two classes, a class hue for more, the diverging scale for regression. */
export function pointColor(label, settings, regression) {
  if (regression) return css(diverging(label));
  if ((settings.classes ?? 2) > 2) return css(CLASS_COLORS[Math.round(label) % CLASS_COLORS.length]);
  return css(label > 0 ? CLASS_COLORS[1] : CLASS_COLORS[0]);
}
