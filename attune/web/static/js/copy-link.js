// A "Copy" button for a read-only field: <button data-copy-target="id"> next to <input id="id">.
for (const button of document.querySelectorAll('button[data-copy-target]')) {
  button.hidden = false;
  button.addEventListener('click', async () => {
    const field = document.getElementById(button.dataset.copyTarget);
    const status = document.getElementById(button.dataset.copyStatus || '');
    if (!field) return;
    try {
      await navigator.clipboard.writeText(field.value);
      if (status) status.textContent = 'Copied.';
    } catch {
      field.select();
      if (status) status.textContent = 'Selected: copy it with your usual keys.';
    }
  });
}
