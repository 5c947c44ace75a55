// The server's run API (see the spec's Endpoints). Every call returns parsed JSON or throws an
// Error whose message is the server's one-line reason ({"error": "..."}), which the page shows.

export class ApiError extends Error {
  constructor(message, status) {
    super(message);
    this.status = status;
  }
}

async function call(method, path, body, contentType = 'application/json') {
  const init = { method, headers: {} };
  if (body !== undefined) {
    init.headers['Content-Type'] = contentType;
    init.body = contentType === 'application/json' ? JSON.stringify(body) : body;
  }
  // In-flight calls, for the tests (a page waiting on the server looks idle otherwise).
  const inflight = (window.__requests ??= { pending: 0, sent: [] });
  inflight.pending++;
  inflight.sent.push(`${method} ${path}`);
  let res, text;
  try {
    res = await fetch(path, init);
    text = await res.text();
  } finally {
    inflight.pending--;
  }
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { /* a non-JSON body: keep the text for the error */ }
  if (!res.ok) throw new ApiError(json?.error ?? `${method} ${path}: HTTP ${res.status}`, res.status);
  return json ?? text;
}

const run = (id) => `/api/runs/${encodeURIComponent(id)}`;

export const api = {
  create: (settings) => call('POST', '/api/runs', settings),
  get: (id) => call('GET', run(id)),
  settings: (id, partial) => call('POST', `${run(id)}/settings`, partial),
  step: (id, n = 1) => call('POST', `${run(id)}/step?n=${n}`),
  play: (id) => call('POST', `${run(id)}/play`),
  pause: (id) => call('POST', `${run(id)}/pause`),
  reset: (id) => call('POST', `${run(id)}/reset`),
  regenerate: (id) => call('POST', `${run(id)}/regenerate`),
  weight: (id, layer, to, from, value) => call('POST', `${run(id)}/weight`, { layer, to, from, value }),
  bias: (id, layer, neuron, value) => call('POST', `${run(id)}/bias`, { layer, neuron, value }),
  points: (id, points) => call('POST', `${run(id)}/points`, { points }),
  importCsv: (id, text) => call('POST', `${run(id)}/points.csv`, text, 'text/csv'),
  code: (id) => call('GET', `${run(id)}/code.cs`),
  /** Where the browser downloads these from (plain links, so the browser names and saves the file). */
  urls: (id) => ({
    csv: `${run(id)}/points.csv`,
    model: `${run(id)}/model.safetensors`,
    config: `${run(id)}/config.json`,
    frames: (view) => `${run(id)}/frames?view=${encodeURIComponent(view)}`,
  }),
  /** For lab panels: any JSON endpoint of the spec, same error handling. */
  post: (path, body) => call('POST', path, body),
  getJson: (path) => call('GET', path),
};
