// Marketplace pages: "fits my car" vehicle list, add to cart, remove from cart, checkout (idempotent), and the order
// lists' actions with live status (the buyer's and the seller's organisation groups on /hubs/live).
(() => {
  const P = window.Pitlane;
  if (!P) return;
  const message = document.getElementById('market-message');
  const show = text => { if (message) { message.textContent = text; message.classList.remove('d-none'); } };
  const hide = () => message?.classList.add('d-none');

  // "Fits my car": the organisation's vehicles, from the Vehicles API.
  const vehicle = document.getElementById('vehicleId');
  if (vehicle) {
    P.api('GET', '/api/v1/vehicles?pageSize=100').then(page => {
      for (const v of page.items || []) {
        const label = [v.modelYear, v.make, v.model].filter(Boolean).join(' ') || v.vin;
        const option = new Option(`${v.nickname ? v.nickname + ': ' : ''}${label}`, v.id);
        option.selected = v.id === vehicle.dataset.selected;
        vehicle.add(option);
      }
    }).catch(() => { /* no vehicles to offer: search still works */ });
    vehicle.addEventListener('change', () => vehicle.form.requestSubmit());
  }

  document.addEventListener('click', async event => {
    const add = event.target.closest('[data-market-add]');
    const remove = event.target.closest('[data-market-remove]');
    const act = event.target.closest('[data-market-order]');
    if (!add && !remove && !act) return;
    hide();
    const button = add || remove || act;
    button.disabled = true;
    try {
      if (add) {
        const body = { listingId: add.dataset.marketAdd, quantity: 1 };
        if (add.dataset.withOptions) {
          body.quantity = parseInt(document.getElementById('quantity').value, 10) || 1;
          body.shippingOption = document.getElementById('shipping').value;
        }
        await P.api('POST', '/api/v1/marketplace/cart/items', body);
        add.textContent = 'In cart';
        document.getElementById('market-added')?.classList.remove('d-none');
        return;
      }
      if (remove) {
        await P.api('DELETE', `/api/v1/marketplace/cart/items/${remove.dataset.marketRemove}`);
        location.reload();
        return;
      }
      const id = act.dataset.id;
      const kind = act.dataset.marketOrder;
      const form = document.querySelector(`.market-order-form[data-form="${kind}"][data-id="${id}"]`);
      if (form) {
        // Dispute, rating and shipping ask for details in a form under the row.
        const forms = form.closest('tr');
        forms.querySelectorAll('.market-order-form').forEach(f => { f.hidden = f !== form; });
        forms.hidden = false;
        button.disabled = false;
        form.querySelector('textarea, input')?.focus();
        return;
      }
      const body = {};
      const order = await P.api('POST', `/api/v1/marketplace/orders/${id}/${kind}`, body);
      update(order);
    } catch (e) {
      show(e.message);
      button.disabled = false;
    }
  });

  // The forms under an order row: validated here, then sent; errors stay in the form.
  const closeForm = form => { form.hidden = true; form.closest('tr').hidden = true; };
  document.addEventListener('click', event => {
    const cancel = event.target.closest('[data-form-cancel]');
    if (cancel) closeForm(cancel.closest('form'));
  });
  async function uploadEvidence(file) {
    const data = new FormData();
    data.append('photo', file);
    let response;
    try {
      response = await fetch('/api/v1/marketplace/orders/evidence', {
        method: 'POST', credentials: 'same-origin', body: data,
        headers: { Accept: 'application/json', 'X-Organization-Id': P.organizationId, RequestVerificationToken: P.csrf },
      });
    } catch {
      throw new P.ApiError(0, { detail: 'The photo could not be sent. Check the network and try again.' });
    }
    const json = await response.json().catch(() => ({}));
    if (!response.ok) throw new P.ApiError(response.status, json);
    return json.id;
  }
  document.addEventListener('input', event => {
    event.target.closest('.market-order-form')?.querySelector('[data-form-error]')?.classList.add('d-none');
  });
  document.addEventListener('submit', async event => {
    const form = event.target.closest('.market-order-form');
    if (!form) return;
    event.preventDefault();
    const error = form.querySelector('[data-form-error]');
    const fail = text => { error.textContent = text; error.classList.remove('d-none'); };
    error.classList.add('d-none');
    form.classList.add('was-validated');
    const kind = form.dataset.form;
    const id = form.dataset.id;
    let body;
    if (kind === 'dispute') {
      const reason = form.elements.reason.value.trim();
      if (reason.length < 5) { fail('Tell the seller what is wrong, in at least 5 characters.'); form.elements.reason.focus(); return; }
      const files = [...form.elements.evidence.files];
      if (files.length > 6) { fail('At most 6 photos.'); return; }
      body = { reason, evidencePhotoIds: [] };
      form.dataset.files = files.length;
    } else if (kind === 'rating') {
      const stars = parseInt(form.querySelector('input[name=stars]:checked')?.value, 10);
      if (!stars) { fail('Pick 1 to 5 stars.'); return; }
      body = { stars, comment: form.elements.comment.value.trim() || null };
    } else {
      body = { tracking: form.elements.tracking.value.trim() || null };
    }
    const submit = form.querySelector('button[type=submit]');
    submit.disabled = true;
    try {
      if (kind === 'dispute') {
        for (const file of form.elements.evidence.files) body.evidencePhotoIds.push(await uploadEvidence(file));
      }
      const order = await P.api('POST', `/api/v1/marketplace/orders/${id}/${kind}`, body);
      closeForm(form);
      update(order);
    } catch (e) {
      fail(e.message);
    } finally {
      submit.disabled = false;
    }
  });

  // Checkout: one Idempotency-Key per attempt of this page, so a double click or a retry never pays twice.
  const checkout = document.getElementById('market-checkout');
  if (checkout) {
    const key = crypto.randomUUID();
    checkout.addEventListener('submit', async event => {
      event.preventDefault();
      hide();
      const pay = document.getElementById('market-pay');
      pay.disabled = true;
      try {
        const response = await fetch('/api/v1/marketplace/cart/checkout', {
          method: 'POST', credentials: 'same-origin',
          headers: { Accept: 'application/json', 'Content-Type': 'application/json', 'X-Organization-Id': P.organizationId, RequestVerificationToken: P.csrf, 'Idempotency-Key': key },
          body: '{}',
        });
        const data = await response.json().catch(() => ({}));
        if (!response.ok) throw new P.ApiError(response.status, data);
        // The parts are held; the buyer pays the first order on the processor's page and comes back to the orders.
        const next = data.payUrl || '/Marketplace/Orders';
        const failed = data.lines.filter(l => !l.order);
        if (failed.length === 0) {
          location.href = next;
          return;
        }
        show(`${data.lines.length - failed.length} ordered. Not ordered: ` + failed.map(l => l.problem).join(' '));
        setTimeout(() => { location.href = data.lines.length > failed.length ? next : location.href; }, 4000);
      } catch (e) {
        show(e.message);
        pay.disabled = false;
      }
    });
  }

  const list = document.getElementById('market-orders');
  // The same words as OrderRow.Label on the server.
  const labels = { awaiting_payment: 'waiting for payment', in_escrow: 'paid, held', shipped: 'shipped', completed: 'delivered', refunded: 'refunded', cancelled: 'cancelled' };
  function payNext() {
    const banner = document.getElementById('market-to-pay');
    if (!banner) return;
    const waiting = [...document.querySelectorAll('tr.market-order[data-status="awaiting_payment"]')].reverse();
    banner.hidden = waiting.length === 0;
    if (waiting.length === 0) return;
    const first = waiting[0];
    document.getElementById('market-to-pay-count').textContent = waiting.length === 1 ? '1 order is waiting for payment.' : `${waiting.length} orders are waiting for payment.`;
    document.getElementById('market-pay-next').href = first.querySelector('[data-market-pay]').getAttribute('href');
    document.getElementById('market-pay-next-what').textContent = `${first.dataset.title}: ${first.dataset.total}`;
  }
  function update(order) {
    const row = document.querySelector(`tr[data-order="${order.id}"]`);
    if (!row) return;
    row.dataset.status = order.status;
    const badge = row.querySelector('[data-order-status]');
    badge.textContent = labels[order.status] || order.status.replace('_', ' ');
    badge.className = `badge ${order.status === 'awaiting_payment' ? 'text-bg-warning' : 'text-bg-secondary'}`;
    const pay = row.querySelector('[data-market-pay]');
    if (pay) { pay.hidden = !order.payUrl; if (order.payUrl) pay.href = order.payUrl; }
    payNext();
    const visible = {
      cancel: order.status === 'awaiting_payment',
      'confirm-delivery': order.status === 'shipped',
      dispute: ['in_escrow', 'shipped', 'completed'].includes(order.status),
      rating: order.status === 'completed' && order.rating == null,
      ship: order.status === 'in_escrow',
    };
    row.querySelectorAll('[data-market-order]').forEach(b => { b.hidden = !visible[b.dataset.marketOrder]; b.disabled = false; });
  }
  if (list) {
    // Back from paying: the order shows "checking payment" until its news arrives (live, or read again every 2 s, which
    // also covers news that came before the page joined the live channel); without news in 20 s (declined, or the page
    // was left early) it is shown as waiting again.
    const checking = () => [...document.querySelectorAll('tr.market-order[data-status="checking"]')];
    const started = Date.now();
    const recheck = async () => {
      for (const row of checking()) {
        try {
          const order = await P.api('GET', `/api/v1/marketplace/orders/${row.dataset.order}`);
          if (order.status !== 'awaiting_payment') update(order);
          else if (Date.now() - started > 20000) update(order);
        } catch { /* offline for a moment: the next round tries again */ }
      }
      if (checking().length > 0) setTimeout(recheck, 2000);
    };
    if (checking().length > 0) setTimeout(recheck, 2000);
    const live = document.getElementById('live-state');
    P.on('marketplaceOrder', update);
    P.join('JoinOrganization', list.dataset.organization)
      .then(ok => { live.textContent = ok ? 'live' : 'not live'; live.className = ok ? 'badge text-bg-success' : 'badge text-bg-danger'; })
      .catch(() => { live.textContent = 'offline'; });
    document.querySelectorAll('time[datetime]').forEach(t => { t.textContent = P.formatTime(t.getAttribute('datetime')); });
  }
})();
