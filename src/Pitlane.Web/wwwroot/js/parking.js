// Parking pages: the offline canvas map of search results, booking buttons, the booking page's live status
// (the driver's and the host's organisation groups on /hubs/live) and the phone's location for geofence check-in.
(() => {
  const P = window.Pitlane;
  if (!P) return;
  const message = document.getElementById('parking-message');
  const show = text => { if (message) { message.textContent = text; message.classList.remove('d-none'); } };

  // Map: an equirectangular projection around the searched point, scaled so the radius fits; no tiles.
  const canvas = document.getElementById('parking-map');
  if (canvas) {
    const draw = () => {
      const ctx = canvas.getContext('2d');
      const w = canvas.width = canvas.clientWidth;
      const h = canvas.height;
      ctx.fillStyle = '#f4f6f8';
      ctx.fillRect(0, 0, w, h);
      const lat = parseFloat(canvas.dataset.lat);
      const lon = parseFloat(canvas.dataset.lon);
      if (Number.isNaN(lat) || Number.isNaN(lon)) {
        ctx.fillStyle = '#6c757d';
        ctx.font = '14px system-ui';
        ctx.fillText('Search a place to see spots here.', 16, 28);
        return;
      }
      const radius = parseFloat(canvas.dataset.radius) || 2000;
      const scale = (Math.min(w, h) / 2 - 12) / radius; // pixels per metre
      const toXY = (a, o) => [w / 2 + (o - lon) * 111320 * Math.cos(lat * Math.PI / 180) * scale, h / 2 - (a - lat) * 110540 * scale];
      ctx.strokeStyle = '#adb5bd';
      ctx.beginPath();
      ctx.arc(w / 2, h / 2, radius * scale, 0, 2 * Math.PI);
      ctx.stroke();
      ctx.fillStyle = '#dc3545';
      ctx.beginPath();
      ctx.arc(w / 2, h / 2, 5, 0, 2 * Math.PI);
      ctx.fill();
      const points = JSON.parse(canvas.dataset.points || '[]');
      ctx.fillStyle = '#0d6efd';
      for (const p of points) {
        const [x, y] = toXY(p.lat, p.lon);
        ctx.beginPath();
        ctx.arc(x, y, 6, 0, 2 * Math.PI);
        ctx.fill();
      }
    };
    draw();
    window.addEventListener('resize', draw);
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
    try {
      if (book) {
        book.disabled = true;
        const from = new Date(document.getElementById('from').value + 'Z');
        const to = new Date(from.getTime() + parseInt(book.dataset.hours, 10) * 3600000);
        const card = window.prompt('Card token to pay with (the built-in payment simulator accepts pm_card_visa):', 'pm_card_visa');
        if (!card) { book.disabled = false; return; }
        const booking = await P.api('POST', '/api/v1/parking/bookings', { listingId: book.dataset.parkingBook, startsAt: from.toISOString(), endsAt: to.toISOString(), paymentMethod: card });
        location.href = `/Parking/Booking/${booking.id}`;
      } else if (action) {
        action.disabled = true;
        await P.api('POST', action.dataset.parkingAction, {});
        location.reload();
      }
    } catch (e) {
      show(e.message);
      if (book) book.disabled = false;
      if (action) action.disabled = false;
    }
  });

  const page = document.getElementById('parking-booking');
  if (page) {
    const id = page.dataset.booking;
    const status = document.getElementById('booking-status');
    const live = document.getElementById('live-state');
    P.on('parking.booking', view => {
      if (view.id === id) status.textContent = view.status.replace('_', ' ');
    });
    P.join('JoinOrganization', page.dataset.organization)
      .then(ok => { live.textContent = ok ? 'live' : 'not live'; live.className = ok ? 'badge text-bg-success' : 'badge text-bg-danger'; })
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
          status.textContent = view.status.replace('_', ' ');
          if (view.status !== 'confirmed' && view.status !== 'arrived') navigator.geolocation.clearWatch(watching);
        } catch (e) { show(e.message); }
      }, () => show('Location was not shared.'), { enableHighAccuracy: true, maximumAge: 10000 });
    });
  }
})();
