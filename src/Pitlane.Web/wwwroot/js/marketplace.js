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
      let body = {};
      if (kind === 'ship') {
        body = { tracking: window.prompt('Tracking number (optional):', '') || null };
      } else if (kind === 'dispute') {
        const reason = window.prompt('What is wrong with the order? The payment is cancelled or refunded.');
        if (!reason) { button.disabled = false; return; }
        body = { reason };
      } else if (kind === 'rating') {
        const stars = parseInt(window.prompt('Stars, 1 to 5:', '5'), 10);
        if (!stars) { button.disabled = false; return; }
        body = { stars };
      }
      const order = await P.api('POST', `/api/v1/marketplace/orders/${id}/${kind}`, body);
      update(order);
    } catch (e) {
      show(e.message);
      button.disabled = false;
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
          body: JSON.stringify({ paymentMethod: document.getElementById('payment-method').value.trim() }),
        });
        const data = await response.json().catch(() => ({}));
        if (!response.ok) throw new P.ApiError(response.status, data);
        const failed = data.lines.filter(l => !l.order);
        if (failed.length === 0) {
          location.href = '/Marketplace/Orders';
          return;
        }
        show(`${data.lines.length - failed.length} ordered. Not ordered: ` + failed.map(l => l.problem).join(' '));
        setTimeout(() => location.reload(), 4000);
      } catch (e) {
        show(e.message);
        pay.disabled = false;
      }
    });
  }

  const list = document.getElementById('market-orders');
  function update(order) {
    const row = document.querySelector(`tr[data-order="${order.id}"]`);
    if (!row) return;
    row.querySelector('[data-order-status]').textContent = order.status.replace('_', ' ');
    const visible = {
      'confirm-delivery': order.status === 'shipped',
      dispute: ['in_escrow', 'shipped', 'completed'].includes(order.status),
      rating: order.status === 'completed' && order.rating == null,
      ship: order.status === 'in_escrow',
    };
    row.querySelectorAll('[data-market-order]').forEach(b => { b.hidden = !visible[b.dataset.marketOrder]; b.disabled = false; });
  }
  if (list) {
    const live = document.getElementById('live-state');
    P.on('marketplaceOrder', update);
    P.join('JoinOrganization', list.dataset.organization)
      .then(ok => { live.textContent = ok ? 'live' : 'not live'; live.className = ok ? 'badge text-bg-success' : 'badge text-bg-danger'; })
      .catch(() => { live.textContent = 'offline'; });
    document.querySelectorAll('time[datetime]').forEach(t => { t.textContent = P.formatTime(t.getAttribute('datetime')); });
  }
})();
