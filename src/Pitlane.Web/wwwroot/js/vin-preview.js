// Live VIN decode preview: asks GET /api/v1/vin/{vin} (cookie-authenticated) as the user types.
(() => {
  const input = document.querySelector('[data-vin-preview]');
  if (!input) return;
  const target = document.querySelector(input.dataset.vinPreview);
  let timer = 0;
  let latest = '';

  const { el } = window.Pitlane;

  function render(data) {
    target.replaceChildren();
    const status = data.isValid
      ? el('p', 'Check digit valid', 'good fw-semibold')
      : el('p', data.checkDigit ? `Check digit ${data.checkDigit.actual} does not match the computed ${data.checkDigit.expected}` : 'Not a valid VIN', 'bad fw-semibold');
    status.id = 'vin-status';
    target.append(status);
    const dl = el('dl', undefined, 'row mb-0');
    const rows = [
      ['Model year', data.modelYear], ['Make', data.make], ['Manufacturer', data.manufacturer], ['Model', data.model],
      ['Trim', data.trim], ['Body', data.bodyClass], ['Engine', data.engine], ['Fuel', data.fuelType],
      ['Country', data.country], ['Region', data.region], ['WMI', data.wmi], ['Plant code', data.plantCode],
      ['Serial', data.serialNumber], ['Source', data.source],
    ];
    for (const [label, value] of rows) {
      if (value === null || value === undefined || value === '') continue;
      const dd = el('dd', String(value), 'col-7');
      dd.dataset.field = label.toLowerCase().replace(/\s+/g, '-');
      dl.append(el('dt', label, 'col-5'), dd);
    }
    target.append(dl);
    for (const finding of data.errors || []) target.append(el('p', finding.message, 'small text-body-secondary mb-1'));
  }

  function renderProblem(problem) {
    target.replaceChildren(el('p', problem.detail || problem.title || 'Not a VIN', 'bad'));
  }

  async function decode(vin) {
    latest = vin;
    try {
      const body = await window.Pitlane.api('GET', `/api/v1/vin/${encodeURIComponent(vin)}`);
      if (vin === latest) render(body);
    } catch (error) {
      if (!(error instanceof window.Pitlane.ApiError) || error.status === 0) throw error;
      if (vin === latest) renderProblem(error.problem || {});
    }
  }

  input.addEventListener('input', () => {
    const vin = input.value.trim().toUpperCase();
    clearTimeout(timer);
    if (vin.length === 0) { target.replaceChildren(el('p', 'Type a VIN to see it decoded.', 'text-body-secondary mb-0')); return; }
    if (vin.length < 17) { target.replaceChildren(el('p', `${vin.length} of 17 characters`, 'text-body-secondary mb-0')); return; }
    timer = setTimeout(() => decode(vin).catch(() => target.replaceChildren(el('p', 'The decoder could not be reached.', 'bad'))), 250);
  });
  if (input.value.trim().length === 17) input.dispatchEvent(new Event('input'));
})();
