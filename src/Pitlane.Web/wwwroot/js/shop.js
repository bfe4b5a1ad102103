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

  // Live: the board and the floor reload their content when the shop's orders or bookings change.
  const live = document.getElementById('shop-board-page') || document.getElementById('shop-floor');
  if (!live) return;
  const status = document.getElementById('live-status');
  const region = document.getElementById('shop-board') || document.getElementById('shop-floor');
  let pending = null;
  async function refresh() {
    pending = null;
    const html = await (await fetch(location.href, { credentials: 'same-origin' })).text();
    const fresh = new DOMParser().parseFromString(html, 'text/html').getElementById(region.id);
    if (fresh) region.replaceWith(fresh);
  }
  const schedule = () => { pending ??= setTimeout(() => refresh().catch(() => {}), 250); };
  P.join('JoinOrganization', live.dataset.organizationId).then(ok => {
    if (status) status.textContent = ok ? 'live' : 'not live: reload to update';
  }).catch(() => { if (status) status.textContent = 'not live: reload to update'; });
  P.on('shop.order', schedule);
  P.on('shop.booking', schedule);
  P.onState?.(state => { if (status) status.textContent = state === 'reconnected' ? 'live' : state; });
})();
