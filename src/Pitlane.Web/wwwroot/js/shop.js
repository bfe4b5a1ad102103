// The Shop pages' behaviour: buttons that call the shop API (data-shop-action) and reload, the invoice PDF download
// (the API needs the organisation header, so a plain link cannot fetch it), the floor's quick bookings, and live
// refresh of the job board and the floor when any repair order or booking of the shop changes (/hubs/live).
(() => {
  const P = window.Pitlane;
  if (!P) return;
  const error = document.getElementById('shop-error');
  const showError = message => {
    if (!error) { window.alert(message); return; }
    error.textContent = message;
    error.classList.remove('d-none');
  };

  async function act(button, path, body) {
    button.disabled = true;
    try {
      const result = await P.api('POST', path, body);
      if (button.hasAttribute('data-show-link') && result?.payUrl) {
        const target = document.getElementById('payment-link');
        target.textContent = '';
        target.append('Send this link to the customer: ');
        const a = P.el('a', new URL(result.payUrl, location.origin).href);
        a.href = result.payUrl;
        target.append(a);
        target.classList.remove('d-none');
        button.disabled = false;
        return;
      }
      location.reload();
    } catch (e) {
      showError(e.message);
      button.disabled = false;
    }
  }

  document.addEventListener('click', async event => {
    const action = event.target.closest('[data-shop-action]');
    if (action) {
      event.preventDefault();
      await act(action, action.dataset.shopAction, action.dataset.body ? JSON.parse(action.dataset.body) : {});
      return;
    }
    const book = event.target.closest('[data-book-bay]');
    if (book) {
      const bay = book.closest('[data-next-free]');
      const start = new Date(bay.dataset.nextFree);
      const end = new Date(start.getTime() + Number(book.dataset.minutes) * 60000);
      await act(book, `/api/v1/shop/bays/${book.dataset.bookBay}/bookings`, { startsAt: start.toISOString(), endsAt: end.toISOString(), title: 'Walk-in' });
      return;
    }
    const download = event.target.closest('[data-org-download]');
    if (download) {
      event.preventDefault();
      const response = await fetch(download.href, { headers: { 'X-Organization-Id': P.organizationId }, credentials: 'same-origin' });
      if (!response.ok) { showError('The invoice could not be downloaded. Reload the page and try again.'); return; }
      window.location.href = URL.createObjectURL(await response.blob());
    }
  });

  // Check-in photos: each file goes as the raw body to the check's photo endpoint (the Media module judges its type).
  async function uploadPhotos(checkId, files) {
    for (const file of files) {
      let response;
      try {
        response = await fetch(`/api/v1/shop/vehicle-checks/${checkId}/photos?name=${encodeURIComponent(file.name)}`, {
          method: 'POST', body: file, credentials: 'same-origin',
          headers: { 'Content-Type': file.type || 'application/octet-stream', 'X-Organization-Id': P.organizationId, RequestVerificationToken: P.csrf, Accept: 'application/json' },
        });
      } catch {
        throw new Error('The photo did not reach the server. Check the network and try again.');
      }
      if (!response.ok) {
        const problem = await response.json().catch(() => ({}));
        throw new Error(`${file.name}: ${problem.detail || problem.title || `the server answered ${response.status}`}`);
      }
    }
  }

  document.addEventListener('change', async event => {
    const input = event.target.closest('[data-check-photo]');
    if (!input || input.files.length === 0) return;
    try {
      await uploadPhotos(input.dataset.checkPhoto, [...input.files]);
      location.reload();
    } catch (e) { showError(e.message); }
  });

  // Forms that post to the API as JSON (the loaner page): numbers as numbers, empty fields as null, a datetime-local
  // value as the shop's wall-clock time (sent as <name>Local: the server applies the shop time zone's offset of that
  // very instant, so a loan across a daylight-saving change is right at both ends), and the form's data-customer-id.
  document.addEventListener('submit', async event => {
    const form = event.target.closest('form[data-api-form]');
    if (!form) return;
    event.preventDefault();
    const body = {};
    for (const field of form.elements) {
      if (!field.name) continue;
      const text = field.value.trim();
      if (text === '') body[field.name] = null;
      else if (field.type === 'number' || field.hasAttribute('data-number')) body[field.name] = Number(text);
      else if (field.type === 'datetime-local') body[`${field.name}Local`] = text.length === 16 ? `${text}:00` : text;
      else body[field.name] = text;
    }
    if (form.dataset.customerId) body.customerId = form.dataset.customerId;
    await act(form.querySelector('[type=submit]') || form, form.dataset.apiForm, body);
  });

  const checkForm = document.getElementById('check-form');
  checkForm?.addEventListener('submit', async event => {
    event.preventDefault();
    const button = document.getElementById('check-save');
    button.disabled = true;
    const value = name => checkForm.elements[name].value.trim();
    try {
      const check = await P.api('POST', '/api/v1/shop/vehicle-checks', {
        vehicleId: checkForm.dataset.vehicleId, repairOrderId: checkForm.dataset.orderId, direction: value('direction'),
        odometerKm: Number(value('odometerKm')), fuelEighths: Number(value('fuelEighths')),
        keyTag: value('keyTag') || null, notes: value('notes') || null,
      });
      await uploadPhotos(check.id, [...document.getElementById('check-photos').files]);
      location.reload();
    } catch (e) {
      showError(e.message);
      button.disabled = false;
    }
  });

  // Live: the board and the floor reload their content when the shop's orders or bookings change.
  const live = document.getElementById('shop-board-page') || document.getElementById('shop-floor');
  if (!live) return;
  const status = document.getElementById('live-status');
  const regionId = (document.getElementById('shop-board') || document.getElementById('shop-floor')).id;
  let pending = null;
  async function refresh() {
    pending = null;
    const html = await (await fetch(location.href, { credentials: 'same-origin' })).text();
    const fresh = new DOMParser().parseFromString(html, 'text/html').getElementById(regionId);
    // Looked up each time: the element replaced by the previous refresh is no longer in the page.
    if (fresh) document.getElementById(regionId)?.replaceWith(fresh);
  }
  const schedule = () => { pending ??= setTimeout(() => refresh().catch(() => {}), 250); };
  P.join('JoinOrganization', live.dataset.organizationId).then(ok => {
    if (status) status.textContent = ok ? 'live' : 'not live: reload to update';
  }).catch(() => { if (status) status.textContent = 'not live: reload to update'; });
  P.on('shop.order', schedule);
  P.on('shop.booking', schedule);
  P.onState?.(state => { if (status) status.textContent = state === 'reconnected' ? 'live' : state; });
})();
