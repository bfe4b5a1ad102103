// Live telemetry of one vehicle: joins the vehicle's group on /hubs/live (cookie-authenticated; the hub checks the
// caller's membership), charts the selected signals with Chart.js and keeps the latest-values table current.
(() => {
  const root = document.getElementById('telemetry-live');
  if (!root || !window.signalR || !window.Chart || !window.Pitlane) return;
  const vehicleId = root.dataset.vehicleId;
  const known = JSON.parse(root.dataset.signals || '{}');
  const status = document.getElementById('live-status');
  const chartsEl = document.getElementById('charts');
  const tbody = document.querySelector('#latest-values tbody');
  const MAX_POINTS = 600; // per chart: ten minutes at 1 Hz, bounded so a long session does not grow without end
  const charts = new Map();
  const latest = new Map();

  const describe = pid => known[pid] || { name: pid.length === 2 ? `PID ${pid}` : pid, unit: '' };
  const el = (tag, text, cls) => { const e = document.createElement(tag); if (text !== undefined) e.textContent = text; if (cls) e.className = cls; return e; };
  const setStatus = (text, cls) => { status.textContent = text; status.className = `badge ${cls}`; };

  function addChart(pid) {
    if (charts.has(pid)) return;
    const info = describe(pid);
    const col = el('div', undefined, 'col-12 col-md-6');
    col.dataset.pid = pid;
    const card = el('div', undefined, 'card card-body');
    card.append(el('h3', `${info.name}${info.unit ? ` (${info.unit})` : ''}`, 'h6'));
    const canvas = document.createElement('canvas');
    canvas.height = 180;
    card.append(canvas);
    col.append(card);
    chartsEl.append(col);
    const chart = new window.Chart(canvas, {
      type: 'line',
      data: { datasets: [{ label: pid, data: [], borderWidth: 1.5, pointRadius: 0, tension: 0.2 }] },
      options: {
        animation: false,
        parsing: false,
        normalized: true,
        plugins: { legend: { display: false } },
        scales: {
          x: { type: 'linear', ticks: { callback: v => new Date(v).toISOString().substring(11, 19), maxTicksLimit: 6 } },
          y: { beginAtZero: false },
        },
      },
    });
    charts.set(pid, { chart, col });
  }

  function removeChart(pid) {
    const entry = charts.get(pid);
    if (!entry) return;
    entry.chart.destroy();
    entry.col.remove();
    charts.delete(pid);
  }

  function upsertRow(pid, t, value) {
    const previous = latest.get(pid);
    if (previous && previous >= t) return; // an older sample arriving late does not replace a newer one
    latest.set(pid, t);
    let row = tbody.querySelector(`tr[data-pid="${CSS.escape(pid)}"]`);
    const info = describe(pid);
    if (!row) {
      row = el('tr');
      row.dataset.pid = pid;
      const name = el('td', `${info.name} `);
      name.append(el('span', `(${pid})`, 'text-body-secondary'));
      const valueCell = el('td', undefined, 'text-end');
      valueCell.append(el('span', '', 'value'), document.createTextNode(info.unit ? ` ${info.unit}` : ''));
      row.append(name, valueCell, el('td', '', 'at'));
      tbody.append(row);
      document.getElementById('no-values')?.remove();
    }
    row.querySelector('.value').textContent = Number(value.toFixed(3)).toString();
    const time = el('time', new Date(t).toISOString().substring(11, 19));
    time.dateTime = new Date(t).toISOString();
    row.querySelector('.at').replaceChildren(time);
  }

  for (const row of tbody.querySelectorAll('tr[data-pid]')) {
    const t = Date.parse(row.querySelector('time')?.dateTime || '');
    if (!Number.isNaN(t)) latest.set(row.dataset.pid, t);
  }
  for (const box of document.querySelectorAll('#signal-choices input[type=checkbox]')) {
    if (box.checked) addChart(box.value);
    box.addEventListener('change', () => (box.checked ? addChart(box.value) : removeChart(box.value)));
  }

  function onTelemetry(batch) {
    if (batch.vehicleId !== vehicleId) return;
    const touched = new Set();
    for (const s of batch.samples) {
      const t = Date.parse(s.t);
      upsertRow(s.pid, t, s.value);
      const entry = charts.get(s.pid);
      if (entry) {
        entry.chart.data.datasets[0].data.push({ x: t, y: s.value });
        touched.add(entry);
      }
    }
    for (const entry of touched) {
      const data = entry.chart.data.datasets[0].data;
      data.sort((a, b) => a.x - b.x);
      if (data.length > MAX_POINTS) data.splice(0, data.length - MAX_POINTS);
      entry.chart.update('none');
    }
  }

  // The page's one hub connection (window.Pitlane), shared with the other scripts of the page.
  window.Pitlane.on('telemetry', onTelemetry);
  window.Pitlane.onState(state => {
    if (state === 'reconnecting') setStatus('reconnecting…', 'text-bg-warning');
    else if (state === 'reconnected') setStatus('live', 'text-bg-success');
    else setStatus('offline', 'text-bg-danger');
  });
  window.Pitlane.join('JoinVehicle', vehicleId)
    .then(ok => (ok ? setStatus('live', 'text-bg-success') : setStatus('not allowed', 'text-bg-danger')))
    .catch(() => setStatus('offline', 'text-bg-danger'));
})();
