// The frame stream: an EventSource on /api/runs/{id}/frames?view=..., and a requestAnimationFrame
// loop that draws only the newest frame (stale ones are dropped: the page never falls behind the
// server, however slow the drawing). window.__frame is the last frame drawn (a test hook).

export class FrameStream {
  /** @param {(frame: object) => void} render */
  constructor(render) {
    this.render = render;
    this.source = null;
    this.pending = null;
    this.url = null;
    this.received = 0;
    this.rendered = 0;
    this.drawMs = 0;
    this.last = null;
    this.tick = this.tick.bind(this);
    requestAnimationFrame(this.tick);
  }

  /** Listens to this URL (a new run or view); the old stream is closed first. */
  open(url) {
    if (this.url === url && this.source) return;
    this.close();
    this.url = url;
    const source = new EventSource(url);
    source.addEventListener('frame', (e) => {
      if (source !== this.source) return;
      this.received++;
      this.pending = e.data; // parse on the animation frame, and only the newest
    });
    // EventSource reconnects by itself after a drop; nothing to do here but not to throw.
    source.onerror = () => {};
    this.source = source;
  }

  close() {
    if (this.source) this.source.close();
    this.source = null;
    this.url = null;
  }

  /** Draws a frame now (a snapshot from a POST is a frame too), replacing any pending one. */
  show(frame) {
    this.pending = null;
    this.draw(frame);
  }

  draw(frame) {
    // A frame that was in flight while a POST's snapshot was drawn is older than it: skip it.
    if (this.last && frame.id === this.last.id && frame.version < this.last.version) return;
    this.last = frame;
    const t0 = performance.now();
    this.render(frame);
    this.drawMs += performance.now() - t0;
    this.rendered++;
    window.__frame = frame;
    // Counters for the tests and the frame-rate measurement: received vs drawn (the rest were
    // dropped as stale), and the total time the page spent drawing them.
    window.__frameStats = { received: this.received, rendered: this.rendered, drawMs: this.drawMs };
  }

  tick() {
    if (this.pending !== null) {
      const data = this.pending;
      this.pending = null;
      this.draw(JSON.parse(data));
    }
    requestAnimationFrame(this.tick);
  }
}
