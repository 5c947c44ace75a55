// Writes to the page that a frame repeats: each write restyles or lays the page out again, so a
// value that did not change is not written.

/** Sets target[key] = value unless it already holds that value. */
export function put(target, key, value) {
  if (target[key] !== value) target[key] = value;
}

/**
 * Sets an element's text unless it already reads so, changing its one text node in place
 * (textContent would replace the node, which restyles and lays out more than a changed text).
 */
export function putText(element, text) {
  const node = element.firstChild;
  if (node && node.nodeType === Node.TEXT_NODE && !node.nextSibling) put(node, 'data', text);
  else put(element, 'textContent', text);
}

/**
 * A drawn canvas as a static picture: an <img> of its pixels with its class, in its place.
 * Pictures that never change (the data sets' thumbnails, the input features) are images, not
 * canvases: the browser hands every canvas on the page to its compositor on each frame, and
 * without a GPU that is a copy of each one's pixels.
 */
export function pictureOf(canvas, alt = '') {
  const img = document.createElement('img');
  img.src = canvas.toDataURL();
  img.width = canvas.width;
  img.height = canvas.height;
  img.alt = alt;
  if (canvas.className) img.className = canvas.className;
  canvas.replaceWith(img);
  return img;
}
