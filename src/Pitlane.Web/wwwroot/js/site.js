// Organisation switcher: submit on change (the CSP forbids inline handlers).
document.querySelectorAll('select[data-autosubmit]').forEach(select =>
  select.addEventListener('change', () => select.form.submit()));

// Destructive forms ask first (data-confirm).
document.querySelectorAll('form[data-confirm]').forEach(form =>
  form.addEventListener('submit', event => { if (!confirm(form.dataset.confirm)) event.preventDefault(); }));
