// Frames carry arrays as base64 of little-endian float32 / uint8 (compact, a 6x8 frame stays
// under 16 KB). These turn them back into typed arrays.

function bytes(b64) {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** A base64 string of bytes (null stays null). */
export function u8(b64) {
  return b64 == null ? null : bytes(b64);
}

/** A base64 string of little-endian float32 (null stays null). */
export function f32(b64) {
  if (b64 == null) return null;
  const b = bytes(b64);
  const view = new DataView(b.buffer);
  const out = new Float32Array(b.length >> 2);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}

/** A heatmap byte back to its value in [-1, 1] (the spec's quantisation). */
export function byteToValue(b) {
  return (b / 255) * 2 - 1;
}
