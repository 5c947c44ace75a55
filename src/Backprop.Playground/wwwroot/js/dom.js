// Writes to the page that a frame repeats: each write restyles or lays the page out again, so a
// value that did not change is not written.

/** Sets target[key] = value unless it already holds that value. */
export function put(target, key, value) {
  if (target[key] !== value) target[key] = value;
}
