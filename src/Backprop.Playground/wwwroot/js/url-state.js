// The whole state lives in the URL hash (TF Playground's idea): a link reproduces a run, seed
// included. Keys are the settings' own names; lists are comma-separated.
import { DEFAULTS } from './settings.js';

const LISTS = new Set(['features', 'hidden']);
const NUMBERS = new Set(Object.keys(DEFAULTS).filter((k) => typeof DEFAULTS[k] === 'number'));
const BOOLEANS = new Set(Object.keys(DEFAULTS).filter((k) => typeof DEFAULTS[k] === 'boolean'));

/** The settings in a hash ("#a=1&b=x"); unknown keys are kept so the server can name them in its error. */
export function parseHash(hash) {
  const out = {};
  const text = hash.startsWith('#') ? hash.slice(1) : hash;
  for (const part of text.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const key = decodeURIComponent(eq < 0 ? part : part.slice(0, eq));
    const raw = eq < 0 ? '' : decodeURIComponent(part.slice(eq + 1));
    if (LISTS.has(key)) {
      const items = raw === '' ? [] : raw.split(',');
      out[key] = key === 'hidden' ? items.map(Number) : items;
    } else if (NUMBERS.has(key)) out[key] = Number(raw);
    else if (BOOLEANS.has(key)) out[key] = raw === 'true' || raw === '1';
    else out[key] = raw;
  }
  return out;
}

/** The hash for these settings: every key, in the defaults' order, so links are stable and readable. */
export function toHash(settings) {
  const parts = [];
  for (const key of Object.keys(DEFAULTS)) {
    const v = settings[key] ?? DEFAULTS[key];
    const text = Array.isArray(v) ? v.join(',') : String(v);
    parts.push(`${key}=${encodeURIComponent(text).replace(/%2C/g, ',')}`);
  }
  return '#' + parts.join('&');
}

/** Writes the hash without adding a history entry per slider move, and without firing our own hashchange handler. */
export function writeHash(settings) {
  const hash = toHash(settings);
  if (location.hash !== hash) history.replaceState(null, '', hash);
}
