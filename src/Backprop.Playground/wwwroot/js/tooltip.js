// One tooltip for the whole page (hover values of weights and biases), following the mouse.
const tip = () => document.getElementById('tooltip');

/** Shows text (lines split on \n) next to the mouse event, or hides the tooltip when text is null. */
export function tooltip(text, event) {
  const t = tip();
  if (!text) { t.hidden = true; return; }
  t.textContent = text;
  t.hidden = false;
  const x = Math.min(event.clientX + 14, window.innerWidth - t.offsetWidth - 8);
  const y = Math.min(event.clientY + 14, window.innerHeight - t.offsetHeight - 8);
  t.style.left = `${x + window.scrollX}px`;
  t.style.top = `${y + window.scrollY}px`;
}
