// A loss grid drawn on a canvas: colour by log10(loss) and contour lines (marching squares), with
// paths on top. Shared by the landscape and the race panels. The grid is row-major, row 0 at the
// smallest β (drawn at the bottom), column 0 at the smallest α (drawn on the left).

/** float32 values from the server's base64 (little-endian, as every machine the page runs on). */
export function floats(base64) {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  return new Float32Array(bytes.buffer);
}

const RAMP = [[247, 251, 255], [198, 219, 239], [107, 174, 214], [33, 113, 181], [8, 48, 107]];

function colour(t) {
  const x = Math.max(0, Math.min(1, t)) * (RAMP.length - 1);
  const i = Math.min(RAMP.length - 2, Math.floor(x)), f = x - i;
  return RAMP[i].map((c, k) => Math.round(c + (RAMP[i + 1][k] - c) * f));
}

/**
 * @param {HTMLCanvasElement} canvas
 * @param {{alphas: number[], betas: number[], values: Float32Array}} grid
 * @param {{paths?: {points: number[][], color: string, label?: string}[], levels?: number}} options
 */
export function drawLandscape(canvas, grid, options = {}) {
  const ctx = canvas.getContext('2d');
  const W = canvas.width, H = canvas.height, pad = 28;
  const { alphas, betas, values } = grid;
  const nx = alphas.length, ny = betas.length;
  const logs = Array.from(values, (v) => (Number.isFinite(v) && v > 0 ? Math.log10(v) : NaN));
  const finite = logs.filter(Number.isFinite);
  const lo = Math.min(...finite), hi = Math.max(...finite);
  const sx = (a) => pad + ((a - alphas[0]) / (alphas[nx - 1] - alphas[0])) * (W - 2 * pad);
  const sy = (b) => H - pad - ((b - betas[0]) / (betas[ny - 1] - betas[0])) * (H - 2 * pad);
  ctx.clearRect(0, 0, W, H);
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, W, H);

  // Cells: each grid value fills the square around its point.
  const cw = (W - 2 * pad) / (nx - 1), ch = (H - 2 * pad) / (ny - 1);
  for (let r = 0; r < ny; r++) {
    for (let c = 0; c < nx; c++) {
      const v = logs[r * nx + c];
      const [R, G, B] = Number.isFinite(v) ? colour((v - lo) / (hi - lo || 1)) : [200, 40, 40];
      ctx.fillStyle = `rgb(${R},${G},${B})`;
      ctx.fillRect(sx(alphas[c]) - cw / 2, sy(betas[r]) - ch / 2, cw + 1, ch + 1);
    }
  }

  // Contours of log10(loss) by marching squares, linear interpolation along each cell edge.
  const levels = options.levels ?? 12;
  ctx.strokeStyle = 'rgba(0,0,0,.45)';
  ctx.lineWidth = 1;
  for (let k = 1; k < levels; k++) {
    const t = lo + ((hi - lo) * k) / levels;
    ctx.beginPath();
    for (let r = 0; r + 1 < ny; r++) {
      for (let c = 0; c + 1 < nx; c++) {
        const corners = [[c, r], [c + 1, r], [c + 1, r + 1], [c, r + 1]].map(([cc, rr]) => ({ a: alphas[cc], b: betas[rr], v: logs[rr * nx + cc] }));
        if (corners.some((p) => !Number.isFinite(p.v))) continue;
        const cuts = [];
        for (let e = 0; e < 4; e++) {
          const p = corners[e], q = corners[(e + 1) % 4];
          if ((p.v < t) !== (q.v < t)) {
            const f = (t - p.v) / (q.v - p.v);
            cuts.push([p.a + (q.a - p.a) * f, p.b + (q.b - p.b) * f]);
          }
        }
        for (let i = 0; i + 1 < cuts.length; i += 2) {
          ctx.moveTo(sx(cuts[i][0]), sy(cuts[i][1]));
          ctx.lineTo(sx(cuts[i + 1][0]), sy(cuts[i + 1][1]));
        }
      }
    }
    ctx.stroke();
  }

  // Axes through the centre of the grid.
  ctx.fillStyle = '#444';
  ctx.font = '11px system-ui, sans-serif';
  ctx.fillText(`α ${alphas[0].toPrecision(2)} … ${alphas[nx - 1].toPrecision(2)}`, pad, H - 8);
  ctx.save();
  ctx.translate(11, H - pad);
  ctx.rotate(-Math.PI / 2);
  ctx.fillText(`β ${betas[0].toPrecision(2)} … ${betas[ny - 1].toPrecision(2)}`, 0, 0);
  ctx.restore();

  for (const path of options.paths ?? []) {
    if (!path.points.length) continue;
    ctx.strokeStyle = path.color;
    ctx.lineWidth = 2;
    ctx.beginPath();
    path.points.forEach(([a, b], i) => (i ? ctx.lineTo(sx(a), sy(b)) : ctx.moveTo(sx(a), sy(b))));
    ctx.stroke();
    const [a0, b0] = path.points[0], [a1, b1] = path.points[path.points.length - 1];
    ctx.fillStyle = '#fff';
    ctx.beginPath(); ctx.arc(sx(a0), sy(b0), 4, 0, 2 * Math.PI); ctx.fill(); ctx.stroke();
    ctx.fillStyle = path.color;
    ctx.beginPath(); ctx.arc(sx(a1), sy(b1), 4.5, 0, 2 * Math.PI); ctx.fill();
  }
  return { lo, hi };
}
