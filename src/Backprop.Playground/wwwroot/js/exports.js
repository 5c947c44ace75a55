// Taking a run away and bringing data in: points as CSV (both ways), the trained model as
// safetensors, the settings as JSON, and the C# program that builds and trains the same network.
import { api } from './api.js';

export function bindExports({ getRunId, onSnapshot, onError }) {
  const links = () => {
    const id = getRunId();
    if (!id) return;
    const u = api.urls(id);
    document.getElementById('exportCsv').href = u.csv;
    document.getElementById('downloadModel').href = u.model;
    document.getElementById('downloadConfig').href = u.config;
  };

  document.getElementById('importCsv').addEventListener('change', async (e) => {
    const file = e.target.files[0];
    e.target.value = '';
    if (!file) return;
    try { onSnapshot(await api.importCsv(getRunId(), await file.text())); } catch (err) { onError(err.message); }
  });

  const dialog = document.getElementById('codeDialog');
  const text = document.getElementById('codeText');
  const copied = document.getElementById('codeCopied');
  document.getElementById('copyCode').addEventListener('click', async () => {
    try {
      text.textContent = await api.code(getRunId());
      copied.textContent = '';
      dialog.showModal();
      await copy(text.textContent, copied);
    } catch (err) { onError(err.message); }
  });
  document.getElementById('codeCopy').addEventListener('click', () => copy(text.textContent, copied));
  document.getElementById('codeClose').addEventListener('click', () => dialog.close());
  return links;
}

async function copy(code, status) {
  // The clipboard needs a secure context and focus; when it is refused the code is still shown
  // (and selected), so the user can copy it by hand.
  try {
    await navigator.clipboard.writeText(code);
    status.textContent = 'copied to the clipboard';
  } catch {
    const range = document.createRange();
    range.selectNodeContents(document.getElementById('codeText'));
    getSelection().removeAllRanges();
    getSelection().addRange(range);
    status.textContent = 'selected: press Ctrl+C to copy';
  }
}
