// The settings every run has, their defaults and the choices the page offers. It mirrors the
// table in the spec (the server validates; these only fill the controls and parse the URL).

/** Defaults, as the server's. discretize and showTest are the page's own (kept in the URL). */
export const DEFAULTS = Object.freeze({
  dataset: 'circle', classes: 2, points: 500, noise: 0, trainRatio: 50, batchSize: 10,
  features: ['x1', 'x2'], hidden: [4, 2], activation: 'tanh', loss: 'square',
  regularization: 'none', regularizationRate: 0, learningRate: 0.03, optimizer: 'sgd',
  schedule: 'constant', init: 'tf', clipNorm: 0, targetLoss: 0, maxEpochs: 0, seed: 1,
  discretize: false, showTest: false,
});

/** Settings the server never sees: they only change the drawing. */
export const PAGE_ONLY = new Set(['discretize', 'showTest']);

/** Settings that change the model or data, so the run restarts at epoch 0. */
export const RESETS = new Set(['dataset', 'classes', 'points', 'noise', 'trainRatio', 'features',
  'hidden', 'activation', 'loss', 'optimizer', 'init', 'seed']);

export const DATASETS = [
  { id: 'circle', name: 'Circle', regression: false },
  { id: 'xor', name: 'Exclusive or', regression: false },
  { id: 'gauss', name: 'Gaussian', regression: false },
  { id: 'spiral', name: 'Spiral', regression: false },
  { id: 'moons', name: 'Moons', regression: false },
  { id: 'plane', name: 'Plane (regression)', regression: true },
  { id: 'reg-gauss', name: 'Gaussians (regression)', regression: true },
];

/** Only these data sets have more than two classes. */
export const MULTI_CLASS = new Set(['spiral', 'gauss']);

export const FEATURES = [
  // mid and half: the middle and half-width of the feature's range over [-6, 6]², for its picture.
  { id: 'x1', label: 'X₁', f: (a) => a, mid: 0, half: 6 },
  { id: 'x2', label: 'X₂', f: (a, b) => b, mid: 0, half: 6 },
  { id: 'x1sq', label: 'X₁²', f: (a) => a * a, mid: 18, half: 18 },
  { id: 'x2sq', label: 'X₂²', f: (a, b) => b * b, mid: 18, half: 18 },
  { id: 'x1x2', label: 'X₁X₂', f: (a, b) => a * b, mid: 0, half: 18 },
  { id: 'sinx1', label: 'sin(X₁)', f: (a) => Math.sin(a), mid: 0, half: 1 },
  { id: 'sinx2', label: 'sin(X₂)', f: (a, b) => Math.sin(b), mid: 0, half: 1 },
];

export const CHOICES = {
  learningRate: [0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10],
  activation: [['relu', 'ReLU'], ['tanh', 'Tanh'], ['sigmoid', 'Sigmoid'], ['linear', 'Linear'], ['leakyrelu', 'Leaky ReLU']],
  regularization: [['none', 'None'], ['l1', 'L1'], ['l2', 'L2']],
  regularizationRate: [0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10],
  loss: [['square', 'Square (tanh out)'], ['crossentropy', 'Cross-entropy (softmax)']],
  optimizer: [['sgd', 'SGD'], ['momentum', 'Momentum'], ['adam', 'Adam'], ['rmsprop', 'RMSprop']],
  schedule: [['constant', 'Constant'], ['step', 'Step decay'], ['cosine', 'Cosine']],
  init: [['tf', 'TF (±0.5, bias 0.1)'], ['zero', 'Zero'], ['xavier', 'Xavier'], ['he', 'He']],
};

export const MAX_LAYERS = 8;
export const MAX_NEURONS = 16;

export function isRegression(settings) {
  return DATASETS.some((d) => d.id === settings.dataset && d.regression);
}
