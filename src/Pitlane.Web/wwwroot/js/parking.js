// Parking pages: the offline canvas map of search results, booking buttons, the booking page's live status
// (the driver's and the host's organisation groups on /hubs/live) and the phone's location for geofence check-in.
(() => {
  const P = window.Pitlane;
  if (!P) return;
  const message = document.getElementById('parking-message');
  const show = text => { if (message) { message.textContent = text; message.classList.remove('d-none'); } };

  // Offline map: an equirectangular projection around a centre, scaled so the radius fits; no tiles. Search results
  // are dots; on a host's spot page (data-pick) a click moves the pin and fills latitude and longitude.
  const offlineMap = holder => {
    const canvas = holder.tagName === 'CANVAS' ? holder : holder.appendChild(document.createElement('canvas'));
    canvas.className = canvas.className || 'w-100 d-block';
    const pick = holder.dataset.pick === 'true';
    const latInput = document.getElementById('Form_Latitude');
    const lonInput = document.getElementById('Form_Longitude');
    const centre = () => pick
      ? [parseFloat(latInput.value), parseFloat(lonInput.value)]
      : [parseFloat(holder.dataset.lat), parseFloat(holder.dataset.lon)];
    const radius = parseFloat(holder.dataset.radius) || 2000;
    const geometry = () => {
      const w = canvas.clientWidth;
      const h = canvas.height;
      const [lat, lon] = centre();
      const scale = (Math.min(w, h) / 2 - 12) / radius; // pixels per metre
      const mx = 111320 * Math.cos(lat * Math.PI / 180) * scale;
      const my = 110540 * scale;
      return { w, h, lat, lon, scale, mx, my };
    };
    const draw = () => {
      const ctx = canvas.getContext('2d');
      canvas.width = canvas.clientWidth;
      canvas.height = parseInt(holder.dataset.height || '320', 10);
      const g = geometry();
      ctx.fillStyle = '#f4f6f8';
      ctx.fillRect(0, 0, g.w, g.h);
      ctx.fillStyle = '#6c757d';
      ctx.font = '14px system-ui';
      if (Number.isNaN(g.lat) || Number.isNaN(g.lon)) {
        ctx.fillText(pick ? 'Type latitude and longitude (or use your location) to place the pin.' : 'Search a place to see spots here.', 16, 28);
        return;
      }
      ctx.strokeStyle = '#adb5bd';
      ctx.beginPath();
      ctx.arc(g.w / 2, g.h / 2, radius * g.scale, 0, 2 * Math.PI);
      ctx.stroke();
      ctx.fillText(`${radius >= 1000 ? radius / 1000 + ' km' : radius + ' m'} circle · north is up`, 8, g.h - 8);
      ctx.fillStyle = '#dc3545';
      ctx.beginPath();
      ctx.arc(g.w / 2, g.h / 2, pick ? 8 : 5, 0, 2 * Math.PI);
      ctx.fill();
      ctx.fillStyle = '#0d6efd';
      for (const p of JSON.parse(holder.dataset.points || '[]')) {
        ctx.beginPath();
        ctx.arc(g.w / 2 + (p.lon - g.lon) * g.mx, g.h / 2 - (p.lat - g.lat) * g.my, 6, 0, 2 * Math.PI);
        ctx.fill();
      }
    };
    if (pick) {
      canvas.style.cursor = 'crosshair';
      canvas.addEventListener('click', event => {
        const g = geometry();
        if (Number.isNaN(g.lat) || Number.isNaN(g.lon)) return;
        const rect = canvas.getBoundingClientRect();
        latInput.value = (g.lat - (event.clientY - rect.top - g.h / 2) / g.my).toFixed(6);
        lonInput.value = (g.lon + (event.clientX - rect.left - g.w / 2) / g.mx).toFixed(6);
        draw();
      });
      latInput.addEventListener('change', draw);
      lonInput.addEventListener('change', draw);
    }
    draw();
    window.addEventListener('resize', draw);
    return { redraw: draw };
  };
  // With a tile server configured (data-tiles) the same map is Leaflet's: the searched circle and spots as dots, or
  // the host's pin moved by a click.
  const tileMap = holder => {
    const L = window.L;
    holder.style.height = `${parseInt(holder.dataset.height || '320', 10)}px`;
    const pick = holder.dataset.pick === 'true';
    const latInput = document.getElementById('Form_Latitude');
    const lonInput = document.getElementById('Form_Longitude');
    const lat = parseFloat(pick ? latInput.value : holder.dataset.lat);
    const lon = parseFloat(pick ? lonInput.value : holder.dataset.lon);
    const has = !Number.isNaN(lat) && !Number.isNaN(lon);
    const radius = parseFloat(holder.dataset.radius) || 2000;
    const map = L.map(holder).setView(has ? [lat, lon] : [20, 0], has ? (pick ? 17 : 14) : 2);
    L.tileLayer(holder.dataset.tiles, { maxZoom: 19, attribution: holder.dataset.attribution || '' }).addTo(map);
    if (pick) {
      const pin = L.circleMarker(has ? [lat, lon] : [0, 0], { radius: 8, color: '#dc3545', fillOpacity: 0.9 });
      if (has) pin.addTo(map);
      map.on('click', event => {
        latInput.value = event.latlng.lat.toFixed(6);
        lonInput.value = event.latlng.lng.toFixed(6);
        pin.setLatLng(event.latlng).addTo(map);
      });
      const follow = () => {
        const a = parseFloat(latInput.value);
        const o = parseFloat(lonInput.value);
        if (!Number.isNaN(a) && !Number.isNaN(o)) { pin.setLatLng([a, o]).addTo(map); map.setView([a, o], Math.max(map.getZoom(), 16)); }
      };
      latInput.addEventListener('change', follow);
      lonInput.addEventListener('change', follow);
      return { redraw: follow };
    }
    if (has) {
      const circle = L.circle([lat, lon], { radius, color: '#6c757d', weight: 1, fill: false }).addTo(map);
      map.fitBounds(circle.getBounds());
      L.circleMarker([lat, lon], { radius: 5, color: '#dc3545', fillOpacity: 1 }).addTo(map);
    }
    for (const p of JSON.parse(holder.dataset.points || '[]')) {
      L.circleMarker([p.lat, p.lon], { radius: 7, color: '#0d6efd', fillOpacity: 0.9 }).bindTooltip(p.title).addTo(map);
    }
    return { redraw: () => map.invalidateSize() };
  };
  const maps = [...document.querySelectorAll('#parking-map, #spot-map')]
    .map(holder => (holder.dataset.tiles && window.L ? tileMap(holder) : offlineMap(holder)));

  document.getElementById('spot-here')?.addEventListener('click', () => {
    navigator.geolocation?.getCurrentPosition(pos => {
      document.getElementById('Form_Latitude').value = pos.coords.latitude.toFixed(6);
      document.getElementById('Form_Longitude').value = pos.coords.longitude.toFixed(6);
      maps.forEach(m => m.redraw());
    }, () => show('Your browser did not share a location; type latitude and longitude instead.'));
  });

  // Host's photos: each chosen file is sent as the raw body to the photos API (the server judges the bytes).
  document.querySelector('[data-photo-upload]')?.addEventListener('change', async event => {
    const input = event.target;
    input.disabled = true;
    try {
      for (const file of input.files) {
        const response = await fetch(`${input.dataset.photoUpload}?name=${encodeURIComponent(file.name)}`, {
          method: 'POST', credentials: 'same-origin', body: file,
          headers: { 'Content-Type': file.type || 'application/octet-stream', 'X-Organization-Id': P.organizationId, RequestVerificationToken: P.csrf, Accept: 'application/json' },
        });
        if (!response.ok) {
          const problem = await response.json().catch(() => ({}));
          throw new Error(`${file.name}: ${problem.detail || problem.title || response.statusText}`);
        }
      }
      location.reload();
    } catch (e) {
      show(e.message);
      input.disabled = false;
    }
  });

  // The search's "From" is typed in the browser's time zone: tell the server which one (once, when none is chosen).
  const tz = document.getElementById('tz');
  const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (tz && !tz.value && browserZone && !new URLSearchParams(location.search).has('lat')) {
    tz.value = browserZone;
    document.getElementById('tz-label').textContent = `(${browserZone} time)`;
    const from = document.getElementById('from');
    if (from.dataset.default === 'true') {
      const next = new Date();
      next.setMinutes(60, 0, 0);
      const pad = n => String(n).padStart(2, '0');
      from.value = `${next.getFullYear()}-${pad(next.getMonth() + 1)}-${pad(next.getDate())}T${pad(next.getHours())}:00`;
    }
  }

  document.getElementById('parking-here')?.addEventListener('click', () => {
    navigator.geolocation?.getCurrentPosition(pos => {
      document.getElementById('lat').value = pos.coords.latitude.toFixed(6);
      document.getElementById('lon').value = pos.coords.longitude.toFixed(6);
    }, () => show('Your browser did not share a location; type latitude and longitude instead.'));
  });

  document.addEventListener('click', async event => {
    const book = event.target.closest('[data-parking-book]');
    const action = event.target.closest('[data-parking-action]');
    const removePhoto = event.target.closest('[data-photo-delete]');
    try {
      if (removePhoto) {
        removePhoto.disabled = true;
        await P.api('DELETE', removePhoto.dataset.photoDelete);
        location.reload();
        return;
      }
      if (book) {
        book.disabled = true;
        const from = new Date(book.dataset.from);
        const to = new Date(from.getTime() + parseInt(book.dataset.hours, 10) * 3600000);
        // The spot is held, then the driver pays on the payment processor's page and comes back to the booking.
        const booking = await P.api('POST', '/api/v1/parking/bookings', { listingId: book.dataset.parkingBook, startsAt: from.toISOString(), endsAt: to.toISOString() });
        location.href = booking.payUrl || `/Parking/Booking/${booking.id}`;
      } else if (action) {
        action.disabled = true;
        await P.api('POST', action.dataset.parkingAction, {});
        location.reload();
      }
    } catch (e) {
      show(e.message);
      if (book) book.disabled = false;
      if (action) action.disabled = false;
      if (removePhoto) removePhoto.disabled = false;
    }
  });

  // Forms that post their fields as JSON to the API named in data-parking-form, then show the page fresh (the car that
  // checks in, a reported problem, settling it, suspending a spot). An amount typed in data-money fields is sent in cents.
  document.querySelectorAll('form[data-parking-form]').forEach(form => form.addEventListener('submit', async event => {
    event.preventDefault();
    const button = form.querySelector('button[type=submit]');
    const body = Object.fromEntries(new FormData(form));
    for (const key of Object.keys(body)) if (body[key] === '') body[key] = null;
    for (const field of form.querySelectorAll('[data-number]')) body[field.name] = parseInt(body[field.name], 10);
    for (const field of form.querySelectorAll('[data-money]')) {
      const text = (body[field.name] || '').replace(',', '.').trim();
      if (!text) continue;
      if (!/^\d+(\.\d{1,2})?$/.test(text)) { show('Write the amount like 12.50.'); field.classList.add('is-invalid'); return; }
      body[field.name] = Math.round(parseFloat(text) * 100);
    }
    button.disabled = true;
    try {
      await P.api('POST', form.dataset.parkingForm, body);
      location.reload();
    } catch (e) { show(e.message); button.disabled = false; }
  }));

  const page = document.getElementById('parking-booking');
  if (page) {
    const id = page.dataset.booking;
    const status = document.getElementById('booking-status');
    const live = document.getElementById('live-state');
    const apply = view => {
      if (view.id !== id) return;
      // Paid on the processor's page, or let go: the page's buttons change with the status, so show them fresh.
      if (document.getElementById('booking-unpaid') && view.status !== 'pending_payment') { location.reload(); return; }
      status.textContent = view.status.replace(/_/g, ' ');
      page.querySelectorAll('[data-when]').forEach(el => el.classList.toggle('d-none', !el.dataset.when.split(' ').includes(view.status)));
    };
    P.on('parking.booking', apply);
    P.join('JoinOrganization', page.dataset.organization)
      .then(async ok => {
        live.textContent = ok ? 'live' : 'not live';
        live.className = ok ? 'badge text-bg-success' : 'badge text-bg-danger';
        // A change between this page being drawn and joining the live channel is not missed.
        if (ok) apply(await P.api('GET', `/api/v1/parking/bookings/${id}`));
      })
      .catch(() => { live.textContent = 'offline'; });
    let watching = null;
    document.getElementById('share-location')?.addEventListener('click', event => {
      if (!navigator.geolocation) { show('This browser cannot share a location.'); return; }
      if (watching !== null) return;
      event.target.textContent = 'Sharing location…';
      watching = navigator.geolocation.watchPosition(async pos => {
        try {
          const view = await P.api('POST', `/api/v1/parking/bookings/${id}/location`,
            { latitude: pos.coords.latitude, longitude: pos.coords.longitude, accuracyMeters: pos.coords.accuracy });
          status.textContent = view.status.replace(/_/g, ' ');
          if (view.status !== 'confirmed' && view.status !== 'arrived') navigator.geolocation.clearWatch(watching);
        } catch (e) { show(e.message); }
      }, () => show('Location was not shared.'), { enableHighAccuracy: true, maximumAge: 10000 });
    });
  }
})();
