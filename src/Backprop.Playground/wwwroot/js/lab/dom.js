// Small DOM helpers shared by the lab's panels (no framework: the panels are a few elements each).

const SVG = 'http://www.w3.org/2000/svg';

/** An HTML element with attributes, class and children (strings become text nodes). */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = value;
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined) node.append(child);
  }
  return node;
}

/** An SVG element with attributes. */
export function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null) continue;
    if (key === 'text') node.textContent = value;
    else node.setAttribute(key, String(value));
  }
  for (const child of children.flat()) if (child) node.append(child);
  return node;
}

/** A number as the lab shows it: 4 significant digits, exponent form when tiny or huge. */
export function fmt(value, digits = 4) {
  if (value === null || value === undefined) return '—';
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs < 1e-3 || abs >= 1e5) return value.toExponential(digits - 1).replace('e+', 'e');
  return Number(value.toPrecision(digits)).toString();
}

/** A labelled select with the given options. */
export function select(label, name, options, value) {
  const s = el('select', { name, 'data-field': name });
  for (const o of options) s.append(el('option', { value: o, selected: o === value, text: o }));
  return { wrap: el('label', {}, label + ' ', s), input: s };
}

/** A labelled number input. */
export function number(label, name, value, min, max, step = 1) {
  const input = el('input', { type: 'number', name, 'data-field': name, value, min, max, step });
  return { wrap: el('label', {}, label + ' ', input), input };
}
