// The setting controls: fills the selects and data-set buttons once, shows the current settings,
// and reports what the user changed as a partial settings object. Every control that maps to a
// setting carries data-setting="name"; this file is the only one that knows their element types.
import { CHOICES, DATASETS, MULTI_CLASS, isRegression } from './settings.js';
import { drawThumbnail } from './thumbnails.js';
import { pictureOf } from './dom.js';

function option(select, value, text) {
  const o = document.createElement('option');
  o.value = String(value);
  o.textContent = text;
  select.appendChild(o);
}

export class Controls {
  /** @param {(partial: object) => void} onChange */
  constructor(onChange) {
    this.onChange = onChange;
    for (const [key, list] of Object.entries(CHOICES)) {
      const select = document.getElementById(key);
      for (const item of list) Array.isArray(item) ? option(select, item[0], item[1]) : option(select, item, String(item));
    }
    this.buildDatasets();
    for (const input of document.querySelectorAll('[data-setting]')) {
      const key = input.dataset.setting;
      const event = input.type === 'range' ? 'input' : 'change';
      input.addEventListener(event, () => {
        this.showValue(key, this.read(input));
        // Sliders report on release (change) to the server, but their label follows the thumb.
        if (input.type !== 'range') this.onChange({ [key]: this.read(input) });
      });
      if (input.type === 'range') input.addEventListener('change', () => this.onChange({ [key]: this.read(input) }));
    }
    document.getElementById('newSeed').addEventListener('click', () => {
      this.onChange({ seed: Math.floor(Math.random() * 4294967296) });
    });
  }

  buildDatasets() {
    const host = document.getElementById('datasets');
    for (const d of DATASETS) {
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'dataset';
      b.dataset.dataset = d.id;
      b.title = d.name;
      b.setAttribute('role', 'radio');
      b.setAttribute('aria-label', d.name);
      const c = document.createElement('canvas');
      c.width = 56; c.height = 56;
      drawThumbnail(c, d.id, d.regression);
      b.appendChild(c);
      pictureOf(c);
      const caption = document.createElement('span');
      caption.textContent = d.regression ? `${d.id === 'plane' ? 'plane' : 'gauss'} (reg.)` : d.id;
      b.appendChild(caption);
      b.addEventListener('click', () => this.onChange({ dataset: d.id }));
      host.appendChild(b);
    }
  }

  read(input) {
    if (input.type === 'checkbox') return input.checked;
    if (input.type === 'number' || input.type === 'range') return input.value === '' ? 0 : Number(input.value);
    const n = Number(input.value);
    return input.id === 'learningRate' || input.id === 'regularizationRate' ? n : input.value;
  }

  showValue(key, v) {
    const out = document.getElementById(`${key}Value`);
    if (out) out.textContent = key === 'trainRatio' ? `${v}%` : String(v);
  }

  /** Shows these settings in every control (after a snapshot, or a URL change). */
  show(settings) {
    for (const input of document.querySelectorAll('[data-setting]')) {
      const key = input.dataset.setting;
      const v = settings[key];
      if (v === undefined) continue;
      if (input.type === 'checkbox') input.checked = !!v;
      else if (input.type === 'number') input.value = v === 0 && input.placeholder === 'off' ? '' : String(v);
      else if (input.tagName === 'SELECT') {
        // A value from the URL that is not in the list (e.g. learningRate 0.05) still shows.
        if (![...input.options].some((o) => Number(o.value) === v || o.value === String(v))) option(input, v, String(v));
        input.value = [...input.options].find((o) => Number(o.value) === v || o.value === String(v)).value;
      } else input.value = String(v);
      this.showValue(key, v);
    }
    for (const b of document.querySelectorAll('.dataset')) {
      const on = b.dataset.dataset === settings.dataset;
      b.classList.toggle('on', on);
      b.setAttribute('aria-checked', String(on));
    }
    document.getElementById('classesRow').hidden = !MULTI_CLASS.has(settings.dataset);
    document.getElementById('regularizationRate').disabled = settings.regularization === 'none';
    // Cross-entropy needs classes: a regression offers the square loss only.
    const crossentropy = document.querySelector('#loss option[value=crossentropy]');
    if (crossentropy) crossentropy.disabled = isRegression(settings);
    const n = settings.hidden.length;
    document.getElementById('layerCount').textContent = `${n} hidden layer${n === 1 ? '' : 's'}`;
  }
}
