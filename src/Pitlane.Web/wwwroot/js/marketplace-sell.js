// The seller's listing form (Marketplace/Sell.cshtml): reads the form into the listings API's JSON (amounts typed as
// 49.90 become minor units), saves with POST or PUT, marks the fields the server refused, then uploads new photos one
// by one and opens the listing. Removing a saved photo is immediate.
(() => {
  const form = document.getElementById('sell-form');
  if (!form) return;
  const { api, el, showError, organizationId, csrf } = window.Pitlane;
  let listingId = form.dataset.listing || null;
  const errors = document.getElementById('sell-errors');
  const save = document.getElementById('sell-save');

  // Plain words for the API's field names; anything else falls back to the server's own message.
  const words = {
    title: 'Give a title of 3 to 200 characters.',
    partNumber: 'Give the part number (up to 60 characters).',
    brand: 'Give the brand (up to 80 characters).',
    condition: 'Choose new, used or refurbished.',
    price: 'Write the price as an amount between 0.50 and 999,999.99, e.g. 49.90.',
    currency: 'Use a three-letter currency code, e.g. USD or EUR.',
    quantity: 'How many: a whole number up to 10,000 (one when the part has a serial number).',
    shipping: 'Give at least one way to ship the part, each with its own name.',
  };
  const rowWords = {
    yearFrom: 'Model years from 1900 to 2100, the first year first.',
    yearTo: 'Model years from 1900 to 2100, the first year first.',
    make: 'Give the make.',
    model: 'Give the model.',
    engine: 'The engine is at most 120 characters.',
    name: 'Give the shipping a name.',
    price: 'Write the shipping price as an amount, e.g. 9.90 (0 for free).',
    days: 'Days to arrive: a whole number from 0 to 90.',
  };

  const value = name => (form.elements.namedItem(name)?.value ?? '').trim();
  const amount = text => {
    const t = text.replace(',', '.');
    return /^\d{1,8}(\.\d{1,2})?$/.test(t) ? Math.round(parseFloat(t) * 100) : NaN;
  };
  const whole = text => (/^\d{1,6}$/.test(text) ? parseInt(text, 10) : NaN);

  /** Table rows as request items; blank rows are dropped, and `index` maps each item back to its row for errors. */
  function rows(container, prefix, fields, read) {
    const items = [];
    const index = [];
    container.querySelectorAll(`.${prefix}-row`).forEach((row, i) => {
      const get = f => (row.querySelector(`[name$=".${f}"]`)?.value ?? '').trim();
      if (fields.every(f => get(f) === '')) return;
      items.push(read(get));
      index.push(i);
    });
    return { items, index };
  }

  function clearMarks() {
    errors.replaceChildren();
    form.querySelectorAll('.is-invalid').forEach(e => e.classList.remove('is-invalid'));
  }

  function mark(key, message, fitmentIndex, shippingIndex) {
    const m = /^(fitment|shipping)\[(\d+)\]\.(\w+)$/.exec(key);
    let input = null;
    let text = words[key] || message;
    if (m) {
      const domRow = (m[1] === 'fitment' ? fitmentIndex : shippingIndex)[parseInt(m[2], 10)];
      input = form.querySelector(`[name="${m[1]}[${domRow}].${m[3]}"]`);
      text = `${m[1] === 'fitment' ? 'Fits' : 'Shipping'}, row ${domRow + 1}: ${rowWords[m[3]] || message}`;
    } else {
      input = form.elements.namedItem(key);
    }
    if (input instanceof Element) input.classList.add('is-invalid');
    return text;
  }

  function showList(messages) {
    const box = el('div', null, 'alert alert-danger');
    box.append(el('div', 'Please fix these and save again:', 'fw-semibold'));
    const list = el('ul', null, 'mb-0');
    [...new Set(messages)].forEach(m => list.append(el('li', m)));
    box.append(list);
    errors.replaceChildren(box);
    errors.scrollIntoView({ block: 'nearest' });
  }

  async function uploadPhotos(id) {
    const files = [...document.getElementById('photos').files];
    for (const file of files) {
      const body = new FormData();
      body.append('photo', file);
      const response = await fetch(`/api/v1/marketplace/listings/${id}/photos`, {
        method: 'POST', body, credentials: 'same-origin',
        headers: { Accept: 'application/json', 'X-Organization-Id': organizationId, RequestVerificationToken: csrf },
      });
      if (!response.ok) {
        const problem = await response.json().catch(() => null);
        throw new Error(`The listing is saved, but the photo ${file.name} was not added: ${problem?.detail || Object.values(problem?.errors || {}).flat().join(' ') || `the server answered ${response.status}`}`);
      }
    }
  }

  form.addEventListener('submit', async event => {
    event.preventDefault();
    clearMarks();
    const local = [];
    const price = amount(value('price'));
    if (Number.isNaN(price)) local.push(mark('price', words.price));
    const quantity = whole(value('quantity'));
    if (Number.isNaN(quantity)) local.push(mark('quantity', words.quantity));
    const fitment = rows(document.getElementById('fitment-rows'), 'fitment', ['yearFrom', 'yearTo', 'make', 'model', 'engine'], get => ({
      yearFrom: Number.isNaN(whole(get('yearFrom'))) ? null : whole(get('yearFrom')),
      yearTo: Number.isNaN(whole(get('yearTo'))) ? (Number.isNaN(whole(get('yearFrom'))) ? null : whole(get('yearFrom'))) : whole(get('yearTo')),
      make: get('make'), model: get('model'), engine: get('engine') || null,
    }));
    const shipping = rows(document.getElementById('shipping-rows'), 'shipping', ['name', 'price', 'days'], get => ({
      name: get('name'), price: Number.isNaN(amount(get('price'))) ? null : amount(get('price')), days: Number.isNaN(whole(get('days'))) ? null : whole(get('days')),
    }));
    if (local.length) { showList(local); return; }
    const body = {
      title: value('title'), partNumber: value('partNumber'), brand: value('brand'), condition: value('condition'),
      serialNumber: listingId ? undefined : (value('serialNumber') || null), description: value('description') || null,
      price, currency: value('currency').toLowerCase(), quantity, fitment: fitment.items, shipping: shipping.items,
    };
    save.disabled = true;
    let saved;
    try {
      saved = listingId ? await api('PUT', `/api/v1/marketplace/listings/${listingId}`, body) : await api('POST', '/api/v1/marketplace/listings', body);
    } catch (error) {
      save.disabled = false;
      const fields = error.problem?.errors;
      if (fields && Object.keys(fields).length) {
        showList(Object.entries(fields).map(([key, messages]) => mark(key, messages.join(' '), fitment.index, shipping.index)));
      } else {
        showError(errors, error);
      }
      return;
    }
    try {
      await uploadPhotos(saved.id);
      window.location.href = `/Marketplace/Listing/${saved.id}`;
    } catch (error) {
      save.disabled = false;
      showError(errors, error);
      if (!listingId) window.history.replaceState(null, '', `/Marketplace/Sell/${saved.id}`);
      listingId = saved.id;
      form.dataset.listing = saved.id;
    }
  });

  function addRow(containerId, prefix) {
    const container = document.getElementById(containerId);
    const last = container.querySelector(`.${prefix}-row:last-child`);
    const row = last.cloneNode(true);
    const i = container.querySelectorAll(`.${prefix}-row`).length;
    row.querySelectorAll('input').forEach(input => {
      input.value = '';
      input.classList.remove('is-invalid');
      input.name = input.name.replace(/\[\d+\]/, `[${i}]`);
    });
    container.append(row);
    row.querySelector('input')?.focus();
  }
  document.getElementById('add-fitment')?.addEventListener('click', () => addRow('fitment-rows', 'fitment'));

  document.querySelectorAll('[data-remove-photo]').forEach(button => button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      await api('DELETE', `/api/v1/marketplace/listings/${listingId}/photos/${button.dataset.removePhoto}`);
      button.closest('figure').remove();
    } catch (error) {
      button.disabled = false;
      showError(errors, error);
    }
  }));
})();
