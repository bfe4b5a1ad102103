// Organisation switcher: submit on change (the CSP forbids inline handlers).
document.querySelectorAll('select[data-autosubmit]').forEach(select =>
  select.addEventListener('change', () => select.form.submit()));

// Destructive forms ask first (data-confirm).
document.querySelectorAll('form[data-confirm]').forEach(form =>
  form.addEventListener('submit', event => { if (!confirm(form.dataset.confirm)) event.preventDefault(); }));

// Copy buttons (data-copy="#input"): the clipboard where the browser allows it, else the text is selected to copy by hand.
document.querySelectorAll('[data-copy]').forEach(button => button.addEventListener('click', async () => {
  const input = document.querySelector(button.dataset.copy);
  if (!input) return;
  input.select();
  try {
    await navigator.clipboard.writeText(input.value);
    button.textContent = 'Copied';
  } catch {
    button.textContent = 'Link selected: copy it';
  }
}));
