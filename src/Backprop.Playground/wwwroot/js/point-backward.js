// One training point's forward and backward pass through the network of the last frame, for the
// backward wave. The server trains; this only re-derives, for ONE point, the numbers the wave
// shows (dL/dz per neuron, dL/dw per link), from the frame's float32 weights. The loss follows
// the spec: square = ½(out − y)² on a tanh output (labels ±1; linear output for regression),
// crossentropy = softmax + negative log-likelihood.
import { FEATURES } from './settings.js';

const ACT = {
  relu: [(z) => Math.max(0, z), (z) => (z > 0 ? 1 : 0)],
  leakyrelu: [(z) => (z > 0 ? z : 0.01 * z), (z) => (z > 0 ? 1 : 0.01)],
  tanh: [Math.tanh, (z) => 1 - Math.tanh(z) ** 2],
  sigmoid: [(z) => 1 / (1 + Math.exp(-z)), (z) => { const s = 1 / (1 + Math.exp(-z)); return s * (1 - s); }],
  linear: [(z) => z, () => 1],
};

/**
 * @returns {{loss: number, deltas: Float64Array[], linkGrads: Float64Array[], outputs: number[]}}
 *   deltas[l][i] = dL/dz of neuron i in layer l; linkGrads[l][to*inputs+from] = dL/dw.
 */
export function pointBackward(layers, settings, point, regression) {
  const [act, dact] = ACT[settings.activation] ?? ACT.tanh;
  const enabled = FEATURES.filter((f) => settings.features.includes(f.id));
  const inputs = [Float64Array.from(enabled.map((f) => f.f(point.x1, point.x2)))];
  const zs = [];
  const last = layers.length - 1;
  layers.forEach((L, l) => {
    const a = inputs[l];
    const z = new Float64Array(L.outputs);
    for (let o = 0; o < L.outputs; o++) {
      let s = L.biases[o];
      for (let i = 0; i < L.inputs; i++) s += L.weights[o * L.inputs + i] * a[i];
      z[o] = s;
    }
    zs.push(z);
    if (l < last) inputs.push(z.map(act));
  });

  // dL/dz at the output.
  const zOut = zs[last];
  const out = new Float64Array(zOut.length);
  const delta = new Float64Array(zOut.length);
  let loss;
  if (settings.loss === 'crossentropy') {
    const cls = classOf(point.label);
    if (zOut.length === 1) {
      const p = 1 / (1 + Math.exp(-zOut[0]));
      out[0] = p; delta[0] = p - cls; loss = -Math.log(cls ? p : 1 - p);
    } else {
      const m = Math.max(...zOut);
      const e = zOut.map((v) => Math.exp(v - m));
      const sum = e.reduce((x, y) => x + y, 0);
      for (let k = 0; k < e.length; k++) { out[k] = e[k] / sum; delta[k] = out[k] - (k === cls ? 1 : 0); }
      loss = -Math.log(out[cls]);
    }
  } else {
    const y = regression ? point.label : point.label > 0 ? 1 : -1;
    out[0] = regression ? zOut[0] : Math.tanh(zOut[0]);
    const dOut = out[0] - y;
    delta[0] = regression ? dOut : dOut * (1 - out[0] * out[0]);
    loss = 0.5 * dOut * dOut;
  }

  // Backwards, layer by layer: dL/da = Wᵀ δ, then δ = dL/da ⊙ f'(z); dL/dw = δ_to · a_from.
  const deltas = new Array(layers.length);
  const linkGrads = new Array(layers.length);
  deltas[last] = delta;
  for (let l = last; l >= 0; l--) {
    const L = layers[l], d = deltas[l], a = inputs[l];
    const g = new Float64Array(L.outputs * L.inputs);
    for (let o = 0; o < L.outputs; o++) for (let i = 0; i < L.inputs; i++) g[o * L.inputs + i] = d[o] * a[i];
    linkGrads[l] = g;
    if (l > 0) {
      const prev = new Float64Array(L.inputs);
      for (let i = 0; i < L.inputs; i++) {
        let s = 0;
        for (let o = 0; o < L.outputs; o++) s += L.weights[o * L.inputs + i] * d[o];
        prev[i] = s * dact(zs[l - 1][i]);
      }
      deltas[l - 1] = prev;
    }
  }
  return { loss, deltas, linkGrads, outputs: Array.from(out) };
}

/** Labels are ±1 (square loss) or class indices (crossentropy): both map to a class index here. */
function classOf(label) {
  return label < 0 ? 0 : Math.round(label);
}
