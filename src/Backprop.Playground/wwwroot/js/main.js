// The page: one run on the server, its settings in the URL, its frames drawn as they come.
// This file only wires the pieces together; each piece (controls, network, plot, charts, wave,
// exports, lab) lives in its own module.
import { api, ApiError } from './api.js';
import { DEFAULTS, PAGE_ONLY, FEATURES, MAX_LAYERS, MAX_NEURONS, MULTI_CLASS, isRegression } from './settings.js';
import { parseHash, writeHash } from './url-state.js';
import { FrameStream } from './frames.js';
import { Controls } from './controls.js';
import { NetworkView } from './network.js';
import { Plot } from './plot.js';
import { LossChart } from './loss-chart.js';
import { FlowBars } from './flow-bars.js';
import { BackwardWave } from './backward-wave.js';
import { bindExports } from './exports.js';
import { tooltip } from './tooltip.js';
import { askNumber } from './edit-dialog.js';
import { mountLab } from './lab/index.js';
import { CLASS_COLORS, css } from './colors.js';
import { putText } from './dom.js';

const $ = (id) => document.getElementById(id);

const state = {
  settings: { ...DEFAULTS },
  runId: null,
  snapshot: null,
  status: 'paused',
  view: 'weights',
  pointsKey: null,
};
const listeners = { frame: new Set(), neuron: new Set(), point: new Set() };

// ---- messages -------------------------------------------------------------------------------
function showMessage(text, { diverged = false } = {}) {
  $('message').hidden = !text;
  $('message').classList.toggle('diverged', diverged);
  $('messageText').textContent = text ?? '';
  $('clipFix').hidden = !diverged;
}
const showError = (text) => showMessage(text);
$('messageClose').addEventListener('click', () => showMessage(null));

// ---- the pieces -----------------------------------------------------------------------------
const controls = new Controls((partial) => change(partial));
const network = new NetworkView($('network'), {
  onToggleFeature: (id) => {
    const on = state.settings.features.includes(id);
    if (on && state.settings.features.length === 1) return showError('features: at least one input feature is needed');
    const features = FEATURES.map((f) => f.id).filter((f) => (f === id ? !on : state.settings.features.includes(f)));
    change({ features });
  },
  onNeurons: (layer, delta) => {
    const hidden = state.settings.hidden.slice();
    hidden[layer] = Math.max(1, Math.min(MAX_NEURONS, hidden[layer] + delta));
    if (hidden[layer] !== state.settings.hidden[layer]) change({ hidden });
  },
  onHoverNeuron: (k) => {
    if (k === null || !network.neuronBytes) return plot.setHover(null, drawOptions());
    const size = network.neuronSize;
    const el = document.querySelector(`.neuron[data-heat="${k}"]`);
    const title = el?.classList.contains('output-neuron') ? 'output neuron' : `neuron ${Number(el?.dataset.layer) + 1}.${Number(el?.dataset.neuron) + 1}`;
    plot.setHover({ bytes: network.neuronBytes, size, offset: k * size * size, title }, drawOptions());
  },
  onClickNeuron: (n) => { for (const cb of listeners.neuron) cb(n); },
  onEditWeight: async ({ layer, to, from, value, title }) => {
    const v = await askNumber(title, value);
    if (v !== null) await command(() => api.weight(state.runId, layer, to, from, v));
  },
  onEditBias: async ({ layer, neuron, value, title }) => {
    const v = await askNumber(title, value);
    if (v !== null) await command(() => api.bias(state.runId, layer, neuron, v));
  },
  tooltip,
});
const plot = new Plot({ canvas: $('plotCanvas'), svg: $('plotPoints'), label: $('plotLabel') }, {
  onPick: () => { const p = plot.picked(); for (const cb of listeners.point) cb(p); },
  onDraw: (x1, x2, shift) => addPoint(x1, x2, shift),
});
const lossChart = new LossChart($('lossChart'));
const flowBars = new FlowBars($('flowBars'), $('flowRatio'));
const wave = new BackwardWave(network, $('waveInfo'));
const frames = new FrameStream(render);
window.__network = network; // a test hook: what the network canvas painted (drawnLinks)
const updateLinks = bindExports({ getRunId: () => state.runId, onSnapshot: (s) => applySnapshot(s), onError: showError });

const drawOptions = () => ({ discretize: state.settings.discretize });

// ---- drawing a frame ------------------------------------------------------------------------
function fmtLoss(v) { return v == null ? '–' : Number.isFinite(v) ? v.toFixed(3) : String(v); }
function fmtAcc(v) { return v == null ? '–' : `${(v * 100).toFixed(1)}%`; }

// A frame writes only the text that changed (dom.js).
const setText = (id, text) => putText($(id), text);

function render(frame) {
  setText('epoch', String(frame.epoch).padStart(6, '0').replace(/\B(?=(\d{3})+(?!\d))/g, ','));
  setText('trainLoss', fmtLoss(frame.trainLoss));
  setText('testLoss', fmtLoss(frame.testLoss));
  setText('trainAccuracy', fmtAcc(frame.trainAccuracy));
  setText('testAccuracy', fmtAcc(frame.testAccuracy));
  setStatus(frame.status, frame.message);
  network.update(frame, drawOptions());
  plot.draw(frame, drawOptions());
  lossChart.add(frame);
  flowBars.update(frame.gradientFlow, frame.epoch);
  for (const cb of listeners.frame) cb(frame);
}

function setStatus(status, message) {
  if (document.body.dataset.status !== status) {
    document.body.classList.toggle('playing', status === 'running');
    $('play').setAttribute('aria-label', status === 'running' ? 'Pause' : 'Play');
    document.body.dataset.status = status;
  }
  state.status = status;
  if (status === 'diverged') showMessage(message ?? 'The run diverged (NaN or infinity).', { diverged: true });
  else if (status === 'done' && message) showMessage(message);
  else if ($('message').classList.contains('diverged')) showMessage(null);
}

// ---- runs -----------------------------------------------------------------------------------
function serverSettings(settings) {
  const out = {};
  for (const [k, v] of Object.entries(settings)) if (!PAGE_ONLY.has(k)) out[k] = v;
  return out;
}

/** Draws a snapshot (a POST's answer): settings, network shape, points, then the frame itself. */
function applySnapshot(snap) {
  const page = { discretize: state.settings.discretize, showTest: state.settings.showTest };
  state.snapshot = snap;
  if (snap.settings) state.settings = { ...DEFAULTS, ...snap.settings, ...page };
  if (state.runId !== snap.id) {
    state.runId = snap.id;
    updateLinks();
  }
  controls.show(state.settings);
  network.build(state.settings, snap.layers);
  showColorLegend(snap.layers.at(-1)?.outputs ?? 1);
  network.setView(state.view);
  if (snap.points && snap.points !== state.pointsKey) {
    state.pointsKey = snap.points;
    plot.setPoints(snap, state.settings, isRegression(state.settings));
  }
  writeHash(state.settings);
  frames.show(snap);
  frames.open(api.urls(state.runId).frames(state.view));
}

/** The plot's legend: the orange–blue ramp, or one swatch per class for a softmax output. */
function showColorLegend(outputs) {
  const box = $('colorLegend');
  if (String(outputs) === box.dataset.outputs) return;
  box.dataset.outputs = String(outputs);
  box.replaceChildren();
  const span = (cls, text) => { const s = document.createElement('span'); if (cls) s.className = cls; if (text) s.textContent = text; box.appendChild(s); return s; };
  if (outputs <= 1) { span(null, '-1'); span('ramp'); span(null, '1'); return; }
  span(null, 'class:');
  for (let k = 0; k < outputs; k++) {
    span('class-swatch').style.backgroundColor = css(CLASS_COLORS[k % CLASS_COLORS.length]);
    span(null, String(k));
  }
}

/** Runs a command on the run; a run the server dropped (idle, restarted) is made again once. */
async function command(fn) {
  if (!state.runId) return null; // no run yet (the page is still starting): nothing to command
  try {
    const snap = await fn();
    applySnapshot(snap);
    return snap;
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) {
      await createRun(serverSettings(state.settings));
      try { const snap = await fn(); applySnapshot(snap); return snap; } catch (e2) { showError(e2.message); }
    } else showError(err.message);
    return null;
  }
}

async function createRun(settings) {
  try {
    applySnapshot(await api.create(settings));
  } catch (err) {
    // A bad link (say learningRate=50) still opens the page: say why, and start from the defaults.
    showError(err.message);
    if (!(err instanceof ApiError) || err.status !== 400) return;
    try { applySnapshot(await api.create(serverSettings(DEFAULTS))); } catch (e2) { showError(e2.message); }
  }
}

/** A settings change from a control, the network's buttons or the URL. */
async function change(partial) {
  const pageOnly = Object.keys(partial).every((k) => PAGE_ONLY.has(k));
  if (pageOnly) {
    Object.assign(state.settings, partial);
    writeHash(state.settings);
    plot.showTest(state.settings.showTest);
    if (state.snapshot) { network.update(frames.last ?? state.snapshot, drawOptions()); plot.draw(null, drawOptions()); }
    return;
  }
  wave.clear();
  // Settings that only make sense together travel together: more than two classes need the
  // softmax loss, and a data set without classes goes back to two.
  if (partial.classes > 2 && state.settings.loss !== 'crossentropy') partial = { ...partial, loss: 'crossentropy' };
  if (partial.dataset && !MULTI_CLASS.has(partial.dataset) && state.settings.classes > 2) partial = { ...partial, classes: 2 };
  if (partial.loss === 'square' && state.settings.classes > 2) partial = { ...partial, classes: 2 };
  // A regression has no classes: its loss is the square one.
  if (partial.dataset && isRegression({ dataset: partial.dataset }) && state.settings.loss === 'crossentropy') partial = { ...partial, loss: 'square' };
  const before = { ...state.settings };
  const snap = await command(() => api.settings(state.runId, serverSettings(partial)));
  if (!snap) controls.show(before); // rejected: the controls go back to what the run has
}

async function addPoint(x1, x2, shift) {
  const snap = state.snapshot;
  const pts = plot.points ? Array.from({ length: plot.points.length / 3 }, (_, i) => [plot.points[i * 3], plot.points[i * 3 + 1], plot.points[i * 3 + 2]]) : [];
  const regression = isRegression(state.settings);
  // The other class is whatever the data set calls it: -1 with ±1 labels, 0 with class indices.
  const negative = pts.some((p) => p[2] < 0) || regression ? -1 : 0;
  pts.push([x1, x2, shift ? negative : 1]);
  if (snap) await command(() => api.points(state.runId, pts.slice(-2000)));
}

// ---- buttons --------------------------------------------------------------------------------
$('play').addEventListener('click', () => command(() => (state.status === 'running' ? api.pause(state.runId) : api.play(state.runId))));
$('step').addEventListener('click', () => command(() => api.step(state.runId, 1)));
$('reset').addEventListener('click', () => { wave.clear(); lossChart.clear(); command(() => api.reset(state.runId)); });
$('regenerate').addEventListener('click', () => { wave.clear(); command(() => api.regenerate(state.runId)); });
$('clipFix').addEventListener('click', async () => {
  showMessage(null);
  await change({ clipNorm: 1 });
  await command(() => api.reset(state.runId));
});
$('addLayer').addEventListener('click', () => {
  const hidden = state.settings.hidden;
  if (hidden.length < MAX_LAYERS) change({ hidden: [...hidden, hidden.length ? hidden[hidden.length - 1] : 2] });
});
$('removeLayer').addEventListener('click', () => {
  const hidden = state.settings.hidden;
  if (hidden.length > 0) change({ hidden: hidden.slice(0, -1) });
});
for (const b of document.querySelectorAll('.view-toggle button')) {
  b.addEventListener('click', () => {
    state.view = b.dataset.view;
    for (const o of document.querySelectorAll('.view-toggle button')) {
      o.classList.toggle('on', o === b);
      o.setAttribute('aria-pressed', String(o === b));
    }
    network.setView(state.view);
    if (state.runId) frames.open(api.urls(state.runId).frames(state.view));
  });
}
for (const [id, mode] of [['clickSelect', 'select'], ['clickDraw', 'draw']]) {
  $(id).addEventListener('click', () => {
    plot.mode = mode;
    $('plot').classList.toggle('drawing', mode === 'draw');
    for (const o of ['clickSelect', 'clickDraw']) {
      $(o).classList.toggle('on', o === id);
      $(o).setAttribute('aria-pressed', String(o === id));
    }
  });
}
$('wave').addEventListener('click', () => wave.start(state.settings, plot.picked(), isRegression(state.settings)));

// A browser keeps at most six connections per server (HTTP/1.1), and each open page holds one
// for its frames: a hidden tab, or a page kept in the back-forward cache, lets go of its stream,
// so more tabs (and a test that opens page after page) never starve the POSTs.
function reconnect() {
  if (state.runId && document.visibilityState === 'visible') frames.open(api.urls(state.runId).frames(state.view));
}
window.addEventListener('pagehide', () => frames.close());
window.addEventListener('pageshow', (e) => { if (e.persisted) reconnect(); });
document.addEventListener('visibilitychange', () => (document.visibilityState === 'visible' ? reconnect() : frames.close()));

// A link pasted into the address bar of an open page: apply what differs.
window.addEventListener('hashchange', () => {
  const wanted = { ...DEFAULTS, ...parseHash(location.hash) };
  const partial = {};
  for (const k of Object.keys(wanted)) if (JSON.stringify(wanted[k]) !== JSON.stringify(state.settings[k])) partial[k] = wanted[k];
  if (Object.keys(partial).length) change(partial);
});

// ---- start ----------------------------------------------------------------------------------
const fromUrl = parseHash(location.hash);
state.settings = { ...DEFAULTS, ...fromUrl };
await createRun(serverSettings(state.settings));
mountLab($('lab'), {
  api,
  runId: () => state.runId,
  settings: () => structuredClone(state.settings),
  snapshot: () => state.snapshot,
  onFrame: (cb) => { listeners.frame.add(cb); return () => listeners.frame.delete(cb); },
  onNeuronClick: (cb) => { listeners.neuron.add(cb); return () => listeners.neuron.delete(cb); },
  onPointPick: (cb) => { listeners.point.add(cb); return () => listeners.point.delete(cb); },
  pickedPoint: () => plot.picked(),
  showError,
});
document.body.classList.add('ready');
