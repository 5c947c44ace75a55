// The network diagram, as TF Playground draws it: the input features, every hidden neuron and
// the output, each with its small heatmap; links between them whose width and colour say the
// weight, or, in the gradient and update views, dL/dw and the last ΔW. Neuron rims show dL/dz in
// the gradient view. What changes every frame is painted into one canvas (network-canvas.js);
// the boxes and the SVG paths above it only take clicks and hovers, and never change while the
// run plays. Positions are set through CSSOM (the CSP forbids style attributes).
import { FEATURES } from './settings.js';
import { drawFunction } from './heatmap.js';
import { CLASS_COLORS, css } from './colors.js';
import { f32, u8 } from './codec.js';
import { linkStyle, magnitudeScale } from './link-scale.js';
import { NetworkCanvas } from './network-canvas.js';
import { pictureOf, putText } from './dom.js';

const SVG = 'http://www.w3.org/2000/svg';

function el(tag, cls, parent) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (parent) parent.appendChild(e);
  return e;
}

function svg(tag, attrs, parent) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (parent) parent.appendChild(e);
  return e;
}

export class NetworkView {
  /**
   * @param {HTMLElement} host
   * @param {object} handlers  onToggleFeature(id), onNeurons(layerIndex, delta), onHoverNeuron(heatIndex|null),
   *   onClickNeuron({layer, neuron}), onEditWeight({layer, to, from, value}), onEditBias({layer, neuron, value}),
   *   tooltip(text|null, event)
   */
  constructor(host, handlers) {
    this.host = host;
    this.h = handlers;
    this.view = 'weights';
    this.layers = null;      // decoded arrays of the last frame, per layer
    this.shape = '';
    this.drawnLinks = [];    // per layer, the {width, color} each link was last painted with (a test hook reads it)
  }

  /** Rebuilds the diagram when the architecture or the features change (a snapshot). */
  build(settings, layers) {
    const enabled = FEATURES.filter((f) => settings.features.includes(f.id));
    const outputs = layers.length ? layers[layers.length - 1].outputs : 1;
    const shape = JSON.stringify([settings.features, settings.hidden, outputs]);
    if (shape === this.shape) return;
    this.shape = shape;
    this.enabled = enabled;
    this.hidden = settings.hidden.slice();
    this.outputs = outputs;

    const host = this.host;
    host.replaceChildren();
    const columns = [FEATURES.length, ...this.hidden, outputs];
    const most = Math.max(...columns);
    const node = most > 10 ? 24 : 30;
    const gap = most > 10 ? 8 : 12;
    const top = 44; // room for the per-layer +/- buttons
    const width = Math.max(host.clientWidth, 420);
    const height = top + most * (node + gap);
    host.style.height = `${height}px`;
    // 60 px on the left for the feature names, 64 on the right for the backward wave's dL/dz labels.
    const colX = (c) => 60 + (c * (width - 124 - node)) / (columns.length - 1);
    const rowY = (c, i) => top + ((most - columns[c]) * (node + gap)) / 2 + i * (node + gap);

    this.svg = svg('svg', { class: 'links', width, height, viewBox: `0 0 ${width} ${height}` }, host);
    const linkGroup = svg('g', {}, this.svg);
    this.overlay = svg('g', { class: 'wave-overlay' }, this.svg);
    this.nodeSize = node;
    // Wide columns would turn into a solid band of links: thinner links when there are many.
    this.thin = Math.max(0.35, Math.min(1, 8 / most));
    this.pos = (c, i) => ({ x: colX(c), y: rowY(c, i) });

    // Nodes: features (all seven, as TF: a click turns one on or off), hidden layers, output.
    // Only the features keep a picture of their own (an image: it never changes).
    this.nodes = columns.map(() => []);
    FEATURES.forEach((f, i) => {
      const on = settings.features.includes(f.id);
      const n = this.node(0, i, node, `feature ${on ? 'on' : 'off'}`);
      el('canvas', null, n);
      n.dataset.feature = f.id;
      n.title = `${f.label}: ${on ? 'used' : 'not used'} (click to ${on ? 'remove' : 'add'})`;
      const label = el('span', 'feature-label', n);
      label.textContent = f.label;
      // The features are fixed functions of (x1, x2): their pictures are drawn here, once, over their own range.
      drawFunction(n.querySelector('canvas'), 20, (a, b) => f.f(a, b) - f.mid, f.half);
      pictureOf(n.querySelector('canvas'));
      n.addEventListener('click', () => this.h.onToggleFeature(f.id));
    });
    let heat = 0;
    for (let c = 1; c < columns.length; c++) {
      for (let i = 0; i < columns[c]; i++) {
        const n = this.node(c, i, node, c === columns.length - 1 ? 'neuron output-neuron' : 'neuron');
        // With several outputs (softmax), output unit i is class i: its frame says so in the class colour.
        if (c === columns.length - 1 && outputs > 1) {
          n.classList.add('class-output');
          n.style.borderColor = css(CLASS_COLORS[i % CLASS_COLORS.length]);
          n.title = `output for class ${i}`;
        }
        n.dataset.heat = String(heat++);
        n.dataset.layer = String(c - 1);
        n.dataset.neuron = String(i);
        n.addEventListener('mouseenter', () => this.h.onHoverNeuron(Number(n.dataset.heat)));
        n.addEventListener('mouseleave', () => this.h.onHoverNeuron(null));
        n.addEventListener('click', () => this.h.onClickNeuron({ layer: c - 1, neuron: i }));
        const bias = el('div', 'bias', n);
        bias.dataset.layer = String(c - 1);
        bias.dataset.neuron = String(i);
        bias.addEventListener('click', (e) => { e.stopPropagation(); this.editBias(c - 1, i); });
        bias.addEventListener('mousemove', (e) => this.h.tooltip(this.biasText(c - 1, i), e));
        bias.addEventListener('mouseleave', () => this.h.tooltip(null));
      }
    }

    // Links, per Linear layer, in the weight matrix's order (to * inputs + from): painted on the
    // canvas from their geometry; the transparent SVG path of each takes its hover and click.
    this.links = [];
    this.geometry = [];
    for (let l = 0; l < columns.length - 1; l++) {
      const ins = l === 0 ? enabled.map((f) => FEATURES.indexOf(f)) : [...Array(columns[l]).keys()];
      const outs = columns[l + 1];
      const paths = [], geometry = [];
      for (let to = 0; to < outs; to++) {
        for (let from = 0; from < ins.length; from++) {
          const a = this.pos(l, ins[from]);
          const b = this.pos(l + 1, to);
          const x1 = a.x + node, y1 = a.y + node / 2, x2 = b.x, y2 = b.y + node / 2;
          const mx = (x1 + x2) / 2;
          const p = svg('path', { d: `M${x1},${y1} C${mx},${y1} ${mx},${y2} ${x2},${y2}`, class: 'link' }, linkGroup);
          p.dataset.layer = String(l);
          p.dataset.to = String(to);
          p.dataset.from = String(from);
          p._k = paths.length;
          paths.push(p);
          geometry.push({ x1, y1, mx, x2, y2 });
        }
      }
      this.links.push(paths);
      this.geometry.push(geometry);
    }
    linkGroup.addEventListener('mousemove', (e) => {
      const t = e.target.dataset;
      if (t.layer === undefined) return;
      this.h.tooltip(this.weightText(+t.layer, +t.to, +t.from), e);
      // The hovered path shows itself (CSS) at the width the canvas gave it.
      const drawn = this.drawnLinks[+t.layer]?.[e.target._k];
      if (drawn) e.target.style.setProperty('--hover-width', `${Math.max(1.5, drawn.width)}px`);
    });
    linkGroup.addEventListener('mouseleave', () => this.h.tooltip(null));
    linkGroup.addEventListener('click', (e) => {
      const t = e.target.dataset;
      if (t.layer !== undefined) this.editWeight(+t.layer, +t.to, +t.from);
    });

    // Per hidden layer: + and - for its neurons, and its size (TF puts them above each column).
    for (let c = 1; c < columns.length - 1; c++) {
      const box = el('div', 'neuron-buttons', host);
      box.style.left = `${colX(c) + node / 2}px`;
      const plus = el('button', 'round tiny', box);
      plus.type = 'button'; plus.textContent = '+'; plus.title = 'Add a neuron';
      plus.setAttribute('aria-label', `Add a neuron to layer ${c}`);
      plus.addEventListener('click', () => this.h.onNeurons(c - 1, 1));
      const minus = el('button', 'round tiny', box);
      minus.type = 'button'; minus.textContent = '−'; minus.title = 'Remove a neuron';
      minus.setAttribute('aria-label', `Remove a neuron from layer ${c}`);
      minus.addEventListener('click', () => this.h.onNeurons(c - 1, -1));
      const count = el('div', 'neuron-count', box);
      count.textContent = `${columns[c]} neuron${columns[c] === 1 ? '' : 's'}`;
    }
    const outLabel = el('div', 'column-label', host);
    outLabel.style.left = `${colX(columns.length - 1) + node / 2}px`;
    outLabel.textContent = 'output';

    // The canvas's boxes, read once from the laid-out nodes (borders differ: a softmax output's is 3 px).
    this.painter = new NetworkCanvas(host, width, height);
    const box = (e, x0 = 0, y0 = 0) => ({ x: x0 + e.offsetLeft, y: y0 + e.offsetTop, w: e.offsetWidth, h: e.offsetHeight });
    this.neuronBoxes = [];
    this.outerBoxes = this.nodes.map(() => []);
    this.biasBoxes = this.nodes.map(() => []);
    for (let c = 1; c < this.nodes.length; c++) {
      for (const n of this.nodes[c]) {
        const inner = { x: n.offsetLeft + n.clientLeft, y: n.offsetTop + n.clientTop, w: n.clientWidth, h: n.clientHeight };
        this.neuronBoxes[Number(n.dataset.heat)] = inner;
        this.outerBoxes[c].push(box(n));
        this.biasBoxes[c].push(box(n.querySelector('.bias'), inner.x, inner.y));
      }
    }
    this.heatmapCount = heat;
    this.layers = null;
    this.drawnLinks = [];
  }

  node(c, i, size, cls) {
    const n = el('div', `node ${cls}`, this.host);
    const p = this.pos(c, i);
    n.style.left = `${p.x}px`;
    n.style.top = `${p.y}px`;
    n.style.width = `${size}px`;
    n.style.height = `${size}px`;
    this.nodes[c].push(n);
    return n;
  }

  setView(view) {
    this.view = view;
    this.host.dataset.view = view;
    if (this.layers) this.paint();
  }

  /** While the backward wave draws over the network, the live links fade (they keep updating). */
  setWaving(on) {
    this.host.classList.toggle('waving', on);
    if (this.layers) this.paint();
  }

  /** Draws one frame (or snapshot): heatmaps, link widths and colours, bias squares, rims. */
  update(frame, { discretize = false } = {}) {
    if (!this.links) return;
    this.layers = frame.layers.map((l) => ({
      inputs: l.inputs, outputs: l.outputs,
      weights: f32(l.weights), biases: f32(l.biases),
      weightGrads: f32(l.weightGrads), biasGrads: f32(l.biasGrads),
      weightUpdates: f32(l.weightUpdates), biasUpdates: f32(l.biasUpdates),
      nodeGrads: f32(l.nodeGrads),
    }));
    const hm = frame.heatmaps;
    if (hm && hm.neurons) {
      // The server sends one output heatmap for a softmax: the first output unit shows it, the
      // others stay white.
      const bytes = u8(hm.neurons);
      this.painter.setHeatmaps(bytes, hm.size, this.heatmapCount, discretize);
      this.neuronBytes = bytes;
      this.neuronSize = hm.size;
    }
    this.paint();
  }

  /** The arrays the current view draws, for layer l. */
  viewArrays(l) {
    const L = this.layers[l];
    if (this.view === 'gradients') return { w: L.weightGrads, b: L.biasGrads };
    if (this.view === 'updates') return { w: L.weightUpdates, b: L.biasUpdates };
    return { w: L.weights, b: L.biases };
  }

  paint() {
    const weightsView = this.view === 'weights';
    // Gradients and updates share one log scale across the whole network: vanishing shows as
    // thin, pale links near the input, which a per-layer scale would hide (ConvNetJS's trap).
    let scale = null;
    if (!weightsView) {
      const all = [];
      for (let l = 0; l < this.layers.length; l++) { const a = this.viewArrays(l); if (a.w) all.push(a.w); if (a.b) all.push(a.b); }
      scale = magnitudeScale(all);
      this.scale = scale;
    }
    this.legend(scale);
    const rimScale = this.view === 'gradients' ? magnitudeScale(this.layers.map((L) => L.nodeGrads).filter(Boolean)) : null;
    this.rimScale = rimScale;
    const linkStyles = [], biases = [], rims = [];
    for (let l = 0; l < this.links.length && l < this.layers.length; l++) {
      const { w, b } = this.viewArrays(l);
      const count = this.links[l].length;
      const styles = new Array(count);
      for (let k = 0; k < count; k++) {
        const s = w ? linkStyle(w[k], weightsView ? null : scale) : { width: 1, color: '#d5d8da' };
        // Wide columns would turn into a solid band of links: thinner links when there are many.
        styles[k] = { width: Number((0.5 + (s.width - 0.5) * this.thin).toFixed(1)), color: s.color };
      }
      linkStyles.push(styles);
      const g = this.layers[l].nodeGrads;
      const boxes = this.biasBoxes[l + 1], outer = this.outerBoxes[l + 1];
      for (let i = 0; i < boxes.length; i++) {
        const s = b ? linkStyle(b[i], weightsView ? null : scale) : { color: '#d5d8da' };
        biases.push({ ...boxes[i], color: s.color });
        if (rimScale && g) {
          const r = linkStyle(g[i], rimScale);
          rims.push({ ...outer[i], color: r.color, width: 1 + 2.5 * (r.t ?? 0) });
        }
      }
    }
    this.drawnLinks = linkStyles;
    this.painter.paint({
      links: this.geometry, linkStyles, linkAlpha: this.host.classList.contains('waving') ? 0.25 : 1,
      neurons: this.neuronBoxes, biases, rims,
    });
  }

  /** Says what the links mean in this view (the scale changes with the view). */
  legend(scale) {
    const box = document.getElementById('linkLegend');
    if (!box) return;
    const max = scale ? (scale.max === 0 ? '0' : scale.max.toExponential(1)) : '';
    const text = this.view === 'weights'
      ? 'Links: weight w (orange < 0 < blue), width |w|. Squares: biases. Click one to edit it.'
      : this.view === 'gradients'
        ? `Links: dL/dw, width on a log scale (largest ${max}, 4 decades). Rims: dL/dz.`
        : `Links: the last update ΔW, width on a log scale (largest ${max}, 4 decades).`;
    putText(box, text);
  }

  weightText(l, to, from) {
    if (!this.layers) return null;
    const L = this.layers[l];
    const k = to * L.inputs + from;
    const src = l === 0 ? this.enabled[from]?.label ?? `input ${from + 1}` : `neuron ${l}.${from + 1}`;
    const dst = l === this.layers.length - 1 ? 'output' : `neuron ${l + 1}.${to + 1}`;
    return lines(`weight ${src} → ${dst}`, [['w', L.weights], ['dL/dw', L.weightGrads], ['ΔW', L.weightUpdates]], k, 'click to edit');
  }

  biasText(l, i) {
    if (!this.layers) return null;
    const L = this.layers[l];
    return lines(`bias of ${l === this.layers.length - 1 ? 'the output' : `neuron ${l + 1}.${i + 1}`}`,
      [['b', L.biases], ['dL/db', L.biasGrads], ['Δb', L.biasUpdates], ['dL/dz', L.nodeGrads]], i, 'click to edit');
  }

  editWeight(l, to, from) {
    const L = this.layers?.[l];
    if (!L) return;
    this.h.onEditWeight({ layer: l, to, from, value: L.weights[to * L.inputs + from], title: this.weightText(l, to, from).split('\n')[0] });
  }

  editBias(l, i) {
    const L = this.layers?.[l];
    if (!L) return;
    this.h.onEditBias({ layer: l, neuron: i, value: L.biases[i], title: this.biasText(l, i).split('\n')[0] });
  }

  /** The decoded arrays of the last frame (the backward wave reads the weights from here). */
  get decoded() { return this.layers; }
}

function fmt(v) {
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 1e-3 && a < 1e4 ? v.toFixed(Math.max(0, 4 - Math.ceil(Math.log10(a + 1e-12)))) : v.toExponential(2);
}

function lines(title, rows, k, hint) {
  const out = [title];
  for (const [name, arr] of rows) if (arr) out.push(`${name} = ${fmt(arr[k])}`);
  out.push(hint);
  return out.join('\n');
}

export { fmt };
