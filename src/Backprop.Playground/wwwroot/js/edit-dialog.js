// The small dialog that edits one weight or bias (TF Playground: click a link, type a value).
const dialog = () => document.getElementById('editDialog');

/** Asks for a new value; resolves to the number, or null when cancelled. */
export function askNumber(label, value) {
  const d = dialog();
  const input = document.getElementById('editValue');
  document.getElementById('editLabel').textContent = label;
  input.value = Number(value.toPrecision(6)).toString();
  return new Promise((resolve) => {
    const form = document.getElementById('editForm');
    const cancel = document.getElementById('editCancel');
    const done = (v) => {
      form.removeEventListener('submit', onSubmit);
      cancel.removeEventListener('click', onCancel);
      d.removeEventListener('cancel', onCancel);
      d.close();
      resolve(v);
    };
    const onSubmit = (e) => { e.preventDefault(); const v = Number(input.value); done(Number.isFinite(v) ? v : null); };
    const onCancel = (e) => { e.preventDefault(); done(null); };
    form.addEventListener('submit', onSubmit);
    cancel.addEventListener('click', onCancel);
    d.addEventListener('cancel', onCancel);
    d.showModal();
    input.select();
  });
}
