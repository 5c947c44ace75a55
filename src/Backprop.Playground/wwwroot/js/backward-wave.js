// The backward wave: for the picked training point, the gradient travels from the output back
// to the inputs one layer at a time. Each step lights the layer's links by dL/dw and writes
// dL/dz beside its neurons, all on one log scale, so the learner sees the signal shrink (or grow)
// as it goes back. Drawn in the network's overlay group; the live frames keep painting beneath, faded.
import { pointBackward } from './point-backward.js';
import { linkStyle, magnitudeScale } from './link-scale.js';
import { sci } from './flow-bars.js';

const SVG = 'http://www.w3.org/2000/svg';
const STEP_MS = 900;

export class BackwardWave {
  constructor(network, info) {
    this.network = network;
    this.info = info;
    this.timers = [];
  }

  clear() {
    for (const t of this.timers) clearTimeout(t);
    this.timers = [];
    this.network.overlay?.replaceChildren();
    this.network.setWaving(false);
  }

  /** Runs the wave for point {x1, x2, label}; returns the computed numbers (tests read them). */
  start(settings, point, regression) {
    this.clear();
    const net = this.network;
    const layers = net.decoded;
    if (!layers || !point) return null;
    const result = pointBackward(layers, settings, point, regression);
    const scale = magnitudeScale([...result.deltas, ...result.linkGrads]);
    net.setWaving(true);
    this.info.textContent = `point (${point.x1.toFixed(2)}, ${point.x2.toFixed(2)}), label ${point.label}: loss ${result.loss.toFixed(4)}`;
    const last = layers.length - 1;
    for (let step = 0; step <= last + 1; step++) {
      this.timers.push(setTimeout(() => this.show(step, result, scale, last), step * STEP_MS));
    }
    this.timers.push(setTimeout(() => this.clear(), (last + 2) * STEP_MS + 6000));
    window.__wave = result;
    return result;
  }

  /** Step 0 lights the output's dL/dz; step k the links into layer last-k+1 and the dL/dz of layer last-k. */
  show(step, result, scale, last) {
    const net = this.network;
    const g = net.overlay;
    if (step > 0) {
      const l = last - step + 1;
      const paths = net.links[l];
      const grads = result.linkGrads[l];
      paths.forEach((p, k) => {
        const s = linkStyle(grads[k], scale);
        const copy = document.createElementNS(SVG, 'path');
        copy.setAttribute('d', p.getAttribute('d'));
        copy.setAttribute('class', 'wave-link');
        copy.setAttribute('stroke', s.color);
        copy.setAttribute('stroke-width', s.width.toFixed(2));
        g.appendChild(copy);
      });
    }
    const l = last - step;
    if (l < 0) return;
    result.deltas[l].forEach((d, i) => {
      const s = linkStyle(d, scale);
      const box = net.pos(l + 1, i);
      const ring = document.createElementNS(SVG, 'rect');
      const pad = 2 + s.width / 2;
      ring.setAttribute('x', (box.x - pad).toFixed(1));
      ring.setAttribute('y', (box.y - pad).toFixed(1));
      ring.setAttribute('width', (net.nodeSize + 2 * pad).toFixed(1));
      ring.setAttribute('height', (net.nodeSize + 2 * pad).toFixed(1));
      ring.setAttribute('rx', '4');
      ring.setAttribute('class', 'wave-ring');
      ring.setAttribute('stroke', s.color);
      ring.setAttribute('stroke-width', Math.max(1.5, s.width).toFixed(1));
      g.appendChild(ring);
      const text = document.createElementNS(SVG, 'text');
      // Beside the node, on the side the gradient goes on to (left), where the column has room.
      text.setAttribute('x', (box.x + net.nodeSize + pad + 3).toFixed(1));
      text.setAttribute('y', (box.y + net.nodeSize / 2 + 4).toFixed(1));
      text.setAttribute('class', 'wave-text');
      text.textContent = `δ ${sci(d)}`;
      g.appendChild(text);
    });
  }
}
