// The lab: what no other playground has. Four panels behind tabs: the chain-rule stepper, the
// vanishing-gradient lab, the loss landscape and the optimizer race. The page calls mountLab once
// (see the spec's "Lab seam"); each panel is built when its tab is first opened.
import { el } from './dom.js';
import { Stepper } from './stepper.js';
import { VanishingLab } from './vanishing.js';
import { LandscapePanel } from './landscape.js';
import { RacePanel } from './race.js';

const PANELS = [
  { id: 'stepper', title: 'Chain rule, step by step', make: (root, page) => new Stepper(root, page) },
  { id: 'vanishing', title: 'Vanishing gradients', make: (root, page) => new VanishingLab(root, page) },
  { id: 'landscape', title: 'Loss landscape', make: (root, page) => new LandscapePanel(root, page) },
  { id: 'race', title: 'Optimizer race', make: (root, page) => new RacePanel(root, page) },
];

/**
 * @param {HTMLElement} container the lab's element; the lab owns everything inside it
 * @param {object} page what the page lends the lab (api, runId(), onNeuronClick(cb), ...)
 */
export function mountLab(container, page) {
  const tabs = el('div', { class: 'lab-tabs', role: 'tablist' });
  const body = el('div', { class: 'lab-body' });
  const built = new Map();
  const open = (panel) => {
    for (const b of tabs.children) b.setAttribute('aria-selected', String(b.dataset.panel === panel.id));
    for (const [id, root] of built) root.hidden = id !== panel.id;
    if (!built.has(panel.id)) {
      const root = el('div', { class: `lab-panel lab-panel-${panel.id}`, 'data-panel': panel.id, role: 'tabpanel' });
      body.append(root);
      built.set(panel.id, root);
      panel.make(root, page);
    }
  };
  for (const panel of PANELS) {
    tabs.append(el('button', { type: 'button', role: 'tab', class: 'lab-tab', 'data-panel': panel.id, 'data-testid': `lab-tab-${panel.id}`, onclick: () => open(panel), text: panel.title }));
  }
  container.replaceChildren(tabs, body);
  open(PANELS[0]);
  return { open: (id) => open(PANELS.find((p) => p.id === id)) };
}
