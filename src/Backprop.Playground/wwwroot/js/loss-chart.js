// Train and test loss over epochs, drawn by uPlot (fast enough to append every frame). The
// history lives here: a run that goes back to epoch 0 (reset, a new setting) starts a new curve.

const COLORS = { train: '#9e9e9e', test: '#212121' };

export class LossChart {
  constructor(host) {
    this.host = host;
    this.clear();
    this.plot = null;
  }

  clear() {
    this.x = []; this.train = []; this.test = [];
    this.plot?.setData([this.x, this.train, this.test]);
  }

  ensurePlot() {
    if (this.plot || !window.uPlot) return;
    const width = Math.max(200, this.host.clientWidth);
    this.plot = new window.uPlot({
      width, height: 110,
      legend: { show: false },
      cursor: { show: true, drag: { x: false, y: false } },
      scales: { x: { time: false }, y: { range: (u, min, max) => [0, Math.max(max * 1.05, 0.05)] } },
      axes: [
        { size: 22, font: '10px system-ui, sans-serif', grid: { show: false }, ticks: { size: 3 } },
        { size: 36, font: '10px system-ui, sans-serif', grid: { stroke: '#eee' }, ticks: { size: 3 } },
      ],
      series: [
        { label: 'epoch' },
        { label: 'train', stroke: COLORS.train, width: 1.5, points: { show: false } },
        { label: 'test', stroke: COLORS.test, width: 1.5, points: { show: false } },
      ],
    }, [this.x, this.train, this.test], this.host);
  }

  /** Adds a frame's losses (one point per epoch seen). */
  add(frame) {
    this.ensurePlot();
    const last = this.x.length ? this.x[this.x.length - 1] : -1;
    if (frame.epoch < last || (frame.epoch === 0 && last > 0)) this.clear();
    if (frame.epoch === (this.x.length ? this.x[this.x.length - 1] : -1)) {
      // Same epoch (an edit while paused): replace the last point.
      this.train[this.train.length - 1] = num(frame.trainLoss);
      this.test[this.test.length - 1] = num(frame.testLoss);
    } else {
      this.x.push(frame.epoch);
      this.train.push(num(frame.trainLoss));
      this.test.push(num(frame.testLoss));
      // Keep the chart cheap on long runs: halve the history when it grows past 2,000 points.
      if (this.x.length > 2000) for (const a of [this.x, this.train, this.test]) a.splice(0, a.length, ...a.filter((_, i) => i % 2 === 0));
    }
    this.plot?.setData([this.x, this.train, this.test]);
  }
}

function num(v) {
  return Number.isFinite(v) ? v : null;
}

export const LOSS_COLORS = COLORS;
