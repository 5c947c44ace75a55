// The lab's seam: the page calls mountLab once, after the first run exists. The lab module (the
// chain-rule stepper, the vanishing-gradient lab, the loss landscape, the optimizer race) owns
// everything inside `container`, its own tabs included; this stub only says it is coming.
//
// `page` gives the lab what it needs from the page, and nothing it could break:
//   page.api                 the API client of js/api.js (api.post(path, body), api.getJson(path), ...)
//   page.runId()             the current run's id (it changes when a run is recreated)
//   page.settings()          the current settings (a copy)
//   page.snapshot()          the last snapshot (points, layers, ...)
//   page.onFrame(cb)         cb(frame) after each frame is drawn; returns an unsubscribe function
//   page.onNeuronClick(cb)   cb({layer, neuron}) when a neuron in the network is clicked
//   page.onPointPick(cb)     cb({index, x1, x2, label}) when a training point is picked on the plot
//   page.pickedPoint()       the picked training point, or null
//   page.showError(message)  the page's one-line error banner
/**
 * @param {HTMLElement} container
 * @param {object} page
 */
export function mountLab(container, page) {
  const p = document.createElement('p');
  p.className = 'hint';
  p.textContent = 'The chain-rule stepper, the vanishing-gradient lab, the loss landscape and the optimizer race will appear here.';
  container.appendChild(p);
  return page;
}
