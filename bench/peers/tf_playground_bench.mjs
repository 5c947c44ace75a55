// TF Playground's own engine (its src/nn.ts, compiled to JavaScript by compare-playground.sh)
// on the workload of `backprop bench playground`: 7 input features, six hidden layers of 8 tanh
// units and a tanh output, squared error against ±1 labels, 250 training points, batch 10, plain
// SGD at 0.03 — the training loop of TF Playground's oneStep() — and its 100×100 decision grid
// (updateDecisionBoundary: every node's output kept). Prints the same figures as JSON.
// Usage: node tf_playground_bench.mjs PATH/TO/nn.js [RUNS]
import { pathToFileURL } from "node:url";
import { performance } from "node:perf_hooks";

const nn = await import(pathToFileURL(process.argv[2]).href);
const runs = Number(process.argv[3] ?? 25);
const TRAIN_POINTS = 250, BATCH = 10, DENSITY = 100, LEARNING_RATE = 0.03, EPOCHS_PER_RUN = 40;

// The same seven features and the same deterministic points as PlaygroundBenchmark.cs.
const features = (x, y) => [x, y, x * x, y * y, x * y, Math.sin(x), Math.sin(y)];
const fraction = v => v - Math.floor(v);
function points(count, offset) {
  const result = [];
  for (let i = 0; i < count; i++) {
    const k = i + offset;
    const x = 12 * fraction(k * 0.6180339887498949) - 6, y = 12 * fraction(k * 0.7548776662466927) - 6;
    result.push({ x, y, input: features(x, y), label: x * x + y * y < 9 ? 1 : -1 });
  }
  return result;
}
const train = points(TRAIN_POINTS, 0), test = points(TRAIN_POINTS, TRAIN_POINTS);
const inputIds = ["x", "y", "xSquared", "ySquared", "xTimesY", "sinX", "sinY"];
const network = nn.buildNetwork([7, 8, 8, 8, 8, 8, 8, 1], nn.Activations.TANH, nn.Activations.TANH, null, inputIds, false);

// oneStep()'s training loop. TF Playground builds each point's input array on every visit
// (constructInput); so do we, as that is part of its epoch.
function epoch() {
  train.forEach((point, i) => {
    const input = features(point.x, point.y);
    nn.forwardProp(network, input);
    nn.backProp(network, point.label, nn.Errors.SQUARE);
    if ((i + 1) % BATCH === 0) nn.updateWeights(network, LEARNING_RATE, 0);
  });
}
// getLoss() of playground.ts, which oneStep() runs on the training and the test data.
function loss(data) {
  let sum = 0;
  for (const point of data) sum += nn.Errors.SQUARE.error(nn.forwardProp(network, features(point.x, point.y)), point.label);
  return sum / data.length;
}
// updateDecisionBoundary(network, false): every node's output at every grid point.
const boundary = {};
nn.forEachNode(network, true, node => {
  boundary[node.id] = Array.from({ length: DENSITY }, () => new Array(DENSITY));
});
function grid() {
  for (let i = 0; i < DENSITY; i++) {
    for (let j = 0; j < DENSITY; j++) {
      const x = -6 + 12 * i / (DENSITY - 1), y = 6 - 12 * j / (DENSITY - 1);
      nn.forwardProp(network, features(x, y));
      nn.forEachNode(network, true, node => { boundary[node.id][i][j] = node.output; });
    }
  }
}

const median = values => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const warmupStart = performance.now();
while (performance.now() - warmupStart < 2000) { for (let e = 0; e < 10; e++) epoch(); grid(); }

const epochs = [], whole = [];
for (let r = 0; r < runs; r++) {
  let t0 = performance.now();
  for (let e = 0; e < EPOCHS_PER_RUN; e++) epoch();
  epochs.push((performance.now() - t0) * 1000 / EPOCHS_PER_RUN);
  t0 = performance.now();
  for (let e = 0; e < EPOCHS_PER_RUN; e++) { epoch(); loss(train); loss(test); }
  whole.push((performance.now() - t0) * 1000 / EPOCHS_PER_RUN);
}
const grids = [];
for (let r = 0; r < runs; r++) {
  const t0 = performance.now();
  grid();
  grids.push(performance.now() - t0);
}
const epochUs = median(epochs);
console.log(JSON.stringify({
  EpochMicroseconds: epochUs,
  SamplesPerSecond: TRAIN_POINTS / (epochUs / 1e6),
  StepMicroseconds: epochUs / Math.ceil(TRAIN_POINTS / BATCH),
  EpochWithEvaluationMicroseconds: median(whole),
  AllocatedBytesPerStep: null,
  GridMilliseconds: median(grids),
  FinalTrainLoss: loss(train),
  Threads: 1,
  Node: process.version,
}));
