// The AI estimate (Inspections module): the advisor's concern and trouble codes go to the suggest endpoint; each
// suggested job comes back labelled with its source ("rules", "scan P0301", "ai: model") and is shown as an editable
// card (title, cause, labor hours, parts with cost). Kept cards, as edited, go to the repair order in one request.
(() => {
  const form = document.getElementById('estimate-form');
  if (!form) return;
  const P = window.Pitlane;
  const ro = form.dataset.repairOrder;
  const currency = form.dataset.currency || 'USD';
  const list = document.getElementById('suggestions');
  const empty = document.getElementById('suggestions-empty');
  const fallback = document.getElementById('fallback');
  const bar = document.getElementById('accept-bar');
  const error = document.getElementById('estimate-error');
  const status = document.getElementById('suggest-status');
  const acceptStatus = document.getElementById('accept-status');
  const money = cents => new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(cents / 100);

  const input = (value, cls, attrs = {}) => {
    const i = document.createElement('input');
    i.className = `form-control form-control-sm ${cls}`;
    i.value = value ?? '';
    Object.assign(i, attrs);
    return i;
  };

  function line(kind, item) {
    const row = P.el('div', null, `row g-1 mb-1 ${kind}-line`);
    const col = (node, cls) => { const c = P.el('div', null, cls); c.appendChild(node); row.appendChild(c); return node; };
    if (kind === 'labor') {
      col(input(item.description, 'line-description', { maxLength: 200, ariaLabel: 'Labor operation' }), 'col-8 col-md-9');
      col(input(item.hours, 'line-hours', { type: 'number', step: '0.1', min: '0.1', max: '100', ariaLabel: 'Hours', title: 'Hours' }), 'col-4 col-md-3');
      row.dataset.category = item.laborCategory || '';
    } else {
      col(input(item.description, 'line-description', { maxLength: 200, ariaLabel: 'Part' }), 'col-12 col-md-6');
      col(input(item.partNumber, 'line-number', { maxLength: 60, placeholder: 'Part no.', ariaLabel: 'Part number' }), 'col-4 col-md-2');
      col(input(item.quantity, 'line-quantity', { type: 'number', step: '0.01', min: '0.01', ariaLabel: 'Quantity', title: 'Quantity' }), 'col-3 col-md-1');
      col(input((item.unitCost / 100).toFixed(2), 'line-cost', { type: 'number', step: '0.01', min: '0', ariaLabel: `Unit cost (${currency})`, title: `Unit cost (${currency})` }), 'col-5 col-md-3');
    }
    return row;
  }

  function card(s, index) {
    const c = P.el('article', null, 'card mb-2 suggestion');
    c.dataset.source = s.source;
    c.dataset.original = JSON.stringify(s);
    const body = c.appendChild(P.el('div', null, 'card-body p-2'));
    const head = body.appendChild(P.el('div', null, 'd-flex flex-wrap align-items-center gap-2 mb-2'));
    const keep = document.createElement('input');
    Object.assign(keep, { type: 'checkbox', checked: true, className: 'form-check-input keep', id: `keep-${index}` });
    head.appendChild(keep);
    const label = head.appendChild(P.el('label', 'Keep', 'form-check-label small me-auto'));
    label.htmlFor = keep.id;
    head.appendChild(P.el('span', s.source, 'badge text-bg-light border source'));
    body.appendChild(input(s.title, 'title mb-1 fw-semibold', { maxLength: 120, ariaLabel: 'Job title' }));
    body.appendChild(input(s.cause, 'cause mb-2', { maxLength: 500, placeholder: 'Likely cause', ariaLabel: 'Likely cause' }));
    body.appendChild(P.el('div', 'Labor (hours)', 'small text-body-secondary'));
    s.labor.forEach(l => body.appendChild(line('labor', l)));
    if (s.parts.length) body.appendChild(P.el('div', `Parts (quantity, unit cost ${currency}) · parts cost ${money(s.parts.reduce((t, p) => t + p.quantity * p.unitCost, 0))}`, 'small text-body-secondary mt-1'));
    s.parts.forEach(p => body.appendChild(line('part', p)));
    keep.addEventListener('change', () => c.classList.toggle('opacity-50', !keep.checked));
    return c;
  }

  function read(c) {
    const original = JSON.parse(c.dataset.original);
    const job = {
      title: c.querySelector('.title').value.trim(),
      concern: original.concern,
      cause: c.querySelector('.cause').value.trim() || null,
      labor: [...c.querySelectorAll('.labor-line')].map(r => ({
        description: r.querySelector('.line-description').value.trim(), hours: Number(r.querySelector('.line-hours').value), laborCategory: r.dataset.category || null,
      })),
      parts: [...c.querySelectorAll('.part-line')].map(r => ({
        description: r.querySelector('.line-description').value.trim(), partNumber: r.querySelector('.line-number').value.trim() || null,
        quantity: Number(r.querySelector('.line-quantity').value), unitCost: Math.round(Number(r.querySelector('.line-cost').value) * 100),
      })).filter(p => p.description),
      source: original.source,
    };
    const same = job.title === original.title && job.cause === (original.cause || null)
      && JSON.stringify(job.labor.map(l => [l.description, l.hours])) === JSON.stringify(original.labor.map(l => [l.description, l.hours]))
      && JSON.stringify(job.parts.map(p => [p.description, p.partNumber, p.quantity, p.unitCost])) === JSON.stringify(original.parts.map(p => [p.description, p.partNumber, p.quantity, p.unitCost]));
    return { ...job, edited: !same };
  }

  form.addEventListener('submit', async e => {
    e.preventDefault();
    error.textContent = '';
    acceptStatus.textContent = '';
    status.textContent = 'Thinking…';
    const codes = document.getElementById('codes').value.split(/[\s,;]+/).filter(Boolean);
    try {
      const draft = await P.api('POST', '/api/v1/inspections/estimates/suggest', { repairOrderId: ro, concern: document.getElementById('concern').value, codes });
      list.replaceChildren(...draft.suggestions.map(card));
      fallback.textContent = draft.fallbackReason || '';
      fallback.classList.toggle('d-none', !draft.fallbackReason);
      empty.classList.toggle('d-none', draft.suggestions.length > 0);
      bar.classList.toggle('d-none', draft.suggestions.length === 0);
      status.textContent = `${draft.suggestions.length} suggestion${draft.suggestions.length === 1 ? '' : 's'} · check and edit each before adding`;
    } catch (ex) {
      status.textContent = '';
      error.textContent = ex.message;
    }
  });

  document.getElementById('accept').addEventListener('click', async () => {
    const kept = [...list.querySelectorAll('.suggestion')].filter(c => c.querySelector('.keep').checked);
    if (!kept.length) { acceptStatus.textContent = 'Keep at least one job, or change the concern and ask again.'; return; }
    acceptStatus.className = 'small';
    acceptStatus.textContent = 'Adding…';
    try {
      const done = await P.api('POST', '/api/v1/inspections/estimates/accept', { repairOrderId: ro, jobs: kept.map(read) });
      kept.forEach(c => c.remove());
      acceptStatus.textContent = `${done.jobIds.length} job${done.jobIds.length === 1 ? '' : 's'} added to the repair order. `;
      const link = acceptStatus.appendChild(P.el('a', 'Open the repair order'));
      link.href = form.dataset.orderUrl;
    } catch (ex) {
      acceptStatus.className = 'small text-danger';
      acceptStatus.textContent = ex.message;
    }
  });
})();
