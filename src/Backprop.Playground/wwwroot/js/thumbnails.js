// The small pictures on the data-set buttons. Only pictures: the real points come from the
// server's generators; these show each set's shape, as TF Playground's thumbnails do.
import { CLASS_COLORS, diverging, css } from './colors.js';

function rng(seed) {
  let s = seed >>> 0;
  return () => { s = (s * 1664525 + 1013904223) >>> 0; return s / 4294967296; };
}

const SHAPES = {
  circle(r) {
    const out = [];
    for (let i = 0; i < 120; i++) {
      const inner = i % 2 === 0;
      const rad = inner ? r() * 2.5 : 3.5 + r() * 1.5;
      const a = r() * 2 * Math.PI;
      out.push([rad * Math.cos(a), rad * Math.sin(a), inner ? 1 : 0]);
    }
    return out;
  },
  xor(r) {
    const out = [];
    for (let i = 0; i < 120; i++) {
      const x = r() * 10 - 5, y = r() * 10 - 5;
      out.push([x + Math.sign(x) * 0.3, y + Math.sign(y) * 0.3, x * y >= 0 ? 1 : 0]);
    }
    return out;
  },
  gauss(r) {
    const out = [];
    for (let i = 0; i < 120; i++) {
      const c = i % 2 === 0 ? 2 : -2;
      out.push([c + (r() - 0.5) * 2.4, c + (r() - 0.5) * 2.4, c > 0 ? 1 : 0]);
    }
    return out;
  },
  spiral(r) {
    const out = [];
    for (let i = 0; i < 120; i++) {
      const k = i % 2, t = (Math.floor(i / 2) / 60) * 1.75 * 2 * Math.PI, rad = (Math.floor(i / 2) / 60) * 5;
      out.push([rad * Math.sin(t + k * Math.PI), rad * Math.cos(t + k * Math.PI), k]);
    }
    return out;
  },
  moons(r) {
    const out = [];
    for (let i = 0; i < 120; i++) {
      const k = i % 2, t = r() * Math.PI;
      const x = k ? 1 - Math.cos(t) : Math.cos(t), y = k ? 0.5 - Math.sin(t) : Math.sin(t);
      out.push([(x - 0.5) * 3.2, (y - 0.25) * 3.2, k]);
    }
    return out;
  },
  plane(r) {
    const out = [];
    for (let i = 0; i < 120; i++) { const x = r() * 12 - 6, y = r() * 12 - 6; out.push([x, y, (x + y) / 12]); }
    return out;
  },
  'reg-gauss'(r) {
    const out = [];
    const centres = [[-3, 3, 1], [3, -3, 1], [3, 3, -1], [-3, -3, -1]];
    for (let i = 0; i < 160; i++) {
      const x = r() * 12 - 6, y = r() * 12 - 6;
      let v = 0;
      for (const [cx, cy, s] of centres) v += s * Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / 4);
      out.push([x, y, v]);
    }
    return out;
  },
};

/** Draws the data set's thumbnail into a canvas (its pixel size is the canvas's). */
export function drawThumbnail(canvas, id, regression) {
  const ctx = canvas.getContext('2d');
  const s = canvas.width;
  ctx.fillStyle = '#fafafa';
  ctx.fillRect(0, 0, s, s);
  for (const [x, y, label] of SHAPES[id](rng(7))) {
    ctx.fillStyle = regression ? css(diverging(label)) : css(CLASS_COLORS[label]);
    ctx.beginPath();
    ctx.arc(((x + 6) / 12) * s, ((6 - y) / 12) * s, 1.6, 0, 2 * Math.PI);
    ctx.fill();
  }
}
