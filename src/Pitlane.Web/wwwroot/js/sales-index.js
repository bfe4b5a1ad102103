// The sales coach start page: practice kind buttons and the new-session form.
(() => {
  const P = window.Pitlane;
  const form = document.getElementById('start-form');
  if (!form) return;
  P.api('GET', '/api/v1/vehicles?pageSize=200').then(page => {
    const select = document.getElementById('vehicle');
    for (const v of page.items) {
      const option = P.el('option', [v.modelYear, v.make, v.model].filter(Boolean).join(' ') || v.vin);
      option.value = v.id;
      select.append(option);
    }
  }).catch(() => { /* no vehicles to choose: practise without one */ });
  form.addEventListener('submit', async e => {
    e.preventDefault();
    const error = document.getElementById('start-error');
    error.textContent = '';
    try {
      const session = await P.api('POST', '/api/v1/sales/sessions', {
        kind: form.querySelector('input[name=kind]:checked').value,
        vehicleId: document.getElementById('vehicle').value || null,
        persona: document.getElementById('persona').value || null,
        objectionScript: document.getElementById('script').value || null,
      });
      location.href = `/Sales/Practice/${session.id}`;
    } catch (err) {
      error.textContent = err.message;
    }
  });
})();
