// The chain-rule stepper: a neuron's computation graph as the library recorded it (real Value
// nodes, micrograd's `label | data | grad` boxes), and its backward pass one node at a time in
// reverse topological order: local derivative × upstream gradient = the share each input gets,
// with a finite-difference check beside every node. The server computes every number; this
// module only lays them out and reveals them step by step.
import { el, svg, fmt } from './dom.js';

const BOX = { w: 176, h: 30, label: 56, gapX: 46, gapY: 16, op: 13 };

export class Stepper {
  /** @param {HTMLElement} root @param {object} page */
  constructor(root, page) {
    this.page = page;
    this.graph = null;
    this.done = 0; // steps taken
    this.neuron = null; // {layer, neuron} clicked on the network
    this.summary = el('div', { class: 'lab-summary', 'data-testid': 'stepper-summary' });
    this.explain = el('div', { class: 'lab-explain', 'data-testid': 'stepper-explain', 'aria-live': 'polite' });
    this.note = el('p', { class: 'hint' });
    this.canvas = el('div', { class: 'lab-graph' });
    this.position = el('output', { 'data-testid': 'stepper-position' });
    this.target = el('span', { class: 'hint', text: 'Click a neuron in the network and pick a training point on the plot, or load the chapter.' });
    this.stepButton = el('button', { type: 'button', 'data-testid': 'stepper-step', onclick: () => this.step(1), text: 'Step ▸' });
    this.backButton = el('button', { type: 'button', onclick: () => this.step(-1), text: '◂ Back' });
    root.append(
      el('div', { class: 'lab-row' },
        el('button', { type: 'button', 'data-testid': 'stepper-chapter', onclick: () => this.load({ preset: 'chapter' }), text: 'Chapter neuron' }),
        el('button', { type: 'button', 'data-testid': 'stepper-neuron', onclick: () => this.loadNeuron(), text: 'Clicked neuron' }),
        this.target),
      el('div', { class: 'lab-row' },
        el('button', { type: 'button', onclick: () => this.reset(), text: 'Reset' }),
        this.backButton, this.stepButton,
        el('button', { type: 'button', 'data-testid': 'stepper-all', onclick: () => this.step(Infinity), text: 'All steps' }),
        this.position),
      this.summary, this.note,
      el('div', { class: 'lab-stepper' }, this.canvas, this.explain));
    page.onNeuronClick?.((n) => { this.neuron = n; this.describeTarget(); });
    page.onPointPick?.(() => this.describeTarget());
    this.render();
  }

  describeTarget() {
    const p = this.page.pickedPoint?.();
    const n = this.neuron;
    this.target.textContent = n
      ? `Neuron ${n.layer + 1}.${n.neuron + 1}` + (p ? `, training point #${p.index}` : ' (pick a training point on the plot; #0 otherwise)')
      : 'Click a neuron in the network first.';
  }

  async loadNeuron() {
    if (!this.neuron) return this.page.showError?.('stepper: click a neuron in the network first');
    const point = this.page.pickedPoint?.()?.index ?? 0;
    await this.load({ runId: this.page.runId(), layer: this.neuron.layer, neuron: this.neuron.neuron, point });
  }

  async load(body) {
    try {
      this.graph = await this.page.api.post('/api/stepper', body);
    } catch (e) {
      this.page.showError?.(e.message);
      return;
    }
    this.done = 0;
    this.layout();
    this.render();
  }

  reset() { this.done = 0; this.render(); }

  step(delta) {
    if (!this.graph) return;
    this.done = Math.max(0, Math.min(this.graph.steps.length, this.done + delta));
    this.render();
  }

  /** Columns by distance from the loss (the loss on the right, leaves on the left), rows in order. */
  layout() {
    const { nodes, edges } = this.graph;
    const consumers = nodes.map(() => []);
    for (const [from, to] of edges) consumers[from].push(to);
    const level = new Array(nodes.length).fill(0);
    for (const id of this.graph.order) { // consumers come first: their level is final
      for (const c of consumers[id]) level[id] = Math.max(level[id], level[c] + 1);
    }
    const depth = Math.max(...level);
    const rows = new Array(depth + 1).fill(0);
    this.pos = nodes.map((n) => {
      const col = depth - level[n.id];
      const row = rows[col]++;
      return { x: 10 + BOX.op * 2 + col * (BOX.w + BOX.gapX), y: 10 + row * (BOX.h + BOX.gapY) };
    });
    this.size = { w: 20 + BOX.op * 2 + (depth + 1) * (BOX.w + BOX.gapX), h: 20 + Math.max(...rows) * (BOX.h + BOX.gapY) };
  }

  /** The gradients known after `done` steps: the seed, then what each step has sent. */
  known() {
    const grads = new Array(this.graph.nodes.length).fill(null);
    grads[this.graph.order[0]] = 1;
    for (const s of this.graph.steps.slice(0, this.done)) {
      for (const l of s.locals) grads[l.input] = l.gradAfter;
    }
    return grads;
  }

  render() {
    this.canvas.replaceChildren();
    this.summary.replaceChildren();
    this.explain.replaceChildren();
    this.stepButton.disabled = !this.graph || this.done >= this.graph.steps.length;
    this.backButton.disabled = !this.graph || this.done === 0;
    if (!this.graph) { this.position.textContent = ''; return; }
    const { nodes, edges, steps, summary, note } = this.graph;
    this.position.textContent = `step ${this.done} / ${steps.length}`;
    this.note.textContent = note ?? '';
    const finished = this.done >= steps.length;
    const item = (name, value, id) => el('span', { class: 'lab-figure' }, el('span', { class: 'name', text: name }),
      el('b', { 'data-testid': id, text: value }));
    const dw = summary.dLdw.length === 1 ? fmt(summary.dLdw[0]) : `[${summary.dLdw.map((v) => fmt(v, 3)).join(', ')}]`;
    this.summary.append(item('z', summary.z.toFixed(3), 'summary-z'), item('loss', summary.loss.toFixed(3), 'summary-loss'),
      item('dL/dw', finished ? dw : '?', 'summary-dw'), item('dL/db', finished ? fmt(summary.dLdb) : '?', 'summary-db'));

    const grads = this.known();
    const current = this.done > 0 ? steps[this.done - 1] : null;
    const sent = new Set(current ? current.locals.map((l) => l.input) : []);
    const root = svg('svg', { width: this.size.w, height: this.size.h, viewBox: `0 0 ${this.size.w} ${this.size.h}`, class: 'lab-graph-svg', role: 'img', 'aria-label': 'computation graph' });
    for (const [from, to] of edges) {
      const a = this.pos[from], b = this.pos[to];
      const active = current && current.node === to && sent.has(from);
      root.append(svg('path', {
        d: `M${a.x + BOX.w},${a.y + BOX.h / 2} C${a.x + BOX.w + BOX.gapX / 2},${a.y + BOX.h / 2} ${b.x - BOX.op * 2 - BOX.gapX / 2},${b.y + BOX.h / 2} ${b.x - BOX.op * 2},${b.y + BOX.h / 2}`,
        class: active ? 'edge active' : 'edge',
      }));
    }
    for (const n of nodes) {
      const p = this.pos[n.id];
      const cls = ['node', current?.node === n.id ? 'current' : '', sent.has(n.id) ? 'receiving' : ''].join(' ');
      const g = svg('g', { class: cls, 'data-node': n.id, transform: `translate(${p.x},${p.y})` });
      if (n.op) {
        g.append(svg('line', { x1: -BOX.op, y1: BOX.h / 2, x2: 0, y2: BOX.h / 2, class: 'edge' }),
          svg('circle', { cx: -BOX.op, cy: BOX.h / 2, r: BOX.op, class: 'op' }),
          svg('text', { x: -BOX.op, y: BOX.h / 2 + 4, class: 'op-text', text: n.op.length > 4 ? n.op.slice(0, 4) : n.op }));
      }
      const g2 = grads[n.id];
      g.append(svg('rect', { width: BOX.w, height: BOX.h, rx: 3, class: 'box' }),
        svg('line', { x1: BOX.label, y1: 0, x2: BOX.label, y2: BOX.h, class: 'sep' }),
        svg('line', { x1: BOX.label + (BOX.w - BOX.label) / 2, y1: 0, x2: BOX.label + (BOX.w - BOX.label) / 2, y2: BOX.h, class: 'sep' }),
        svg('text', { x: BOX.label / 2, y: BOX.h / 2 + 4, class: 'label', text: n.label.length > 9 ? n.label.slice(0, 8) + '…' : n.label }),
        svg('text', { x: BOX.label + (BOX.w - BOX.label) / 4, y: BOX.h / 2 + 4, class: 'data', text: fmt(n.data) }),
        svg('text', { x: BOX.label + 3 * (BOX.w - BOX.label) / 4, y: BOX.h / 2 + 4, class: g2 === null ? 'grad unknown' : 'grad', 'data-testid': `grad-${n.label}`, text: g2 === null ? 'grad ?' : fmt(g2) }),
        svg('title', { text: `${n.label}${n.op ? ' = ' + n.op : ''}: data ${n.data}, grad ${n.grad}` }));
      root.append(g);
    }
    this.canvas.append(root);
    // Keep the node being stepped in view when the graph is wider than the panel.
    if (current) {
      const p = this.pos[current.node];
      this.canvas.scrollLeft = Math.max(0, p.x - this.canvas.clientWidth / 2);
    } else {
      this.canvas.scrollLeft = this.size.w;
    }
    this.explain.append(current ? this.explainStep(current) : el('p', { class: 'hint', text: `Backward starts at ${nodes[this.graph.order[0]].label} with dL/dL = 1. Press Step.` }));
  }

  explainStep(s) {
    const nodes = this.graph.nodes;
    const node = nodes[s.node];
    const name = (n) => n.label;
    const parts = [el('h4', { text: `Step ${this.done}: ${name(node)}${node.op ? ' = ' + node.op + '(…)' : ' (a leaf)'}` }),
      el('p', {}, `dL/d${name(node)} = `, el('b', { text: fmt(s.upstream, 6) }), ' (upstream, complete: every consumer has sent its share)')];
    if (s.locals.length === 0) parts.push(el('p', { class: 'hint', text: 'A leaf: nothing to pass on; its gradient is final.' }));
    for (const l of s.locals) {
      const input = nodes[l.input];
      parts.push(el('p', { class: 'lab-eq', 'data-testid': 'stepper-eq' },
        `d${name(node)}/d${name(input)} × dL/d${name(node)} = ${fmt(l.localDerivative, 6)} × ${fmt(s.upstream, 6)} = `,
        el('b', { text: fmt(l.product, 6) }),
        l.gradAfter !== l.product ? ` (dL/d${name(input)} so far ${fmt(l.gradAfter, 6)})` : ''));
    }
    const diff = Math.abs(s.fdCheck - s.upstream);
    const ok = diff <= 1e-6 * Math.max(1, Math.abs(s.upstream));
    parts.push(el('p', { class: ok ? 'lab-fd ok' : 'lab-fd off', 'data-testid': 'stepper-fd' },
      `finite difference (double, central): dL/d${name(node)} ≈ ${fmt(s.fdCheck, 8)}  ${ok ? '✓' : '✗'} |diff| ${diff.toExponential(1)}`));
    return el('div', {}, parts);
  }
}
