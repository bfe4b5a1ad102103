// The technician's dashboard of one vehicle, filled from the API: health and findings, the latest telemetry values (kept
// live by telemetry-live.js), the selected scan's codes per ECU, readiness and freeze frames, its interpretation and
// report, scan history, starting a scan with live progress, and clearing codes behind a confirmation dialog.
(() => {
  const root = document.getElementById('diag-vehicle');
  const D = window.PitlaneDiagnostics;
  if (!root || !D) return;
  const { api, el, ApiError } = D;
  const $ = id => document.getElementById(id);
  const vehicleId = root.dataset.vehicleId;
  let selectedScanId = root.dataset.scanId || null;
  let currentScan = null;

  const table = (headers, rows, cls = 'table table-sm align-middle mb-0') => {
    const t = el('table', undefined, cls);
    const head = el('tr');
    for (const h of headers) { const th = el('th', h); th.scope = 'col'; head.append(th); }
    const thead = el('thead');
    thead.append(head);
    const tbody = el('tbody');
    tbody.append(...rows);
    t.append(thead, tbody);
    return t;
  };
  const row = (...cells) => {
    const tr = el('tr');
    for (const c of cells) { const td = el('td'); if (c instanceof Node) td.append(c); else td.textContent = c ?? '–'; tr.append(td); }
    return tr;
  };
  const muted = text => el('p', text, 'text-body-secondary small mb-0');
  const badge = (text, cls) => el('span', text, `badge ${cls}`);
  // A code reported as stored and permanent, or by two ECUs, is one trouble code.
  const codeCount = dtcs => {
    const n = new Set(dtcs.map(d => d.code)).size;
    return n === 1 ? '1 trouble code' : `${n} trouble codes`;
  };

  // ---- health ----
  async function loadHealth() {
    const target = $('findings');
    const scoreBadge = $('health-score');
    try {
      const health = await api('GET', `/api/v1/vehicles/${vehicleId}/health`);
      scoreBadge.className = `score-badge ${D.bandClass(health.band)}`;
      scoreBadge.dataset.band = health.band;
      // Before the car has reported anything, a number would read as a clean bill of health: say what is missing instead.
      scoreBadge.querySelector('.score').textContent = health.measured ? String(health.score) : '–';
      scoreBadge.title = health.measured ? `Health score: ${health.band}` : 'No health score yet: start a scan';
      const items = health.findings.map(f => {
        const li = el('li', undefined, 'list-group-item');
        const head = el('div', undefined, 'd-flex gap-2 align-items-center');
        head.append(badge(f.severity, D.severityClass(f.severity)), el('strong', f.seen, 'me-auto'), el('span', `−${f.points}`, 'small text-body-secondary'));
        li.append(head, el('div', f.whyItMatters, 'small'));
        if (f.codes?.length) li.append(el('div', f.codes.join(', '), 'small vin text-body-secondary'));
        return li;
      });
      for (const p of health.predictions || []) items.push(el('li', `Trend: ${p.text}`, 'list-group-item small'));
      showMaintenance(health.reminders || []);
      const notice = health.measured ? [] : [muted('Not scanned yet: start a scan to check trouble codes and live values. Until then only the service history counts.')];
      notice.forEach(n => { n.id = 'health-unmeasured'; n.classList.add('mb-2'); });
      if (!items.length) { target.replaceChildren(...notice, muted(health.measured ? 'No findings: nothing lowers the score.' : 'No service is overdue.')); return; }
      const list = el('ul', undefined, 'list-group list-group-flush');
      list.append(...items);
      target.replaceChildren(...notice, list);
    } catch (error) {
      D.showError(target, error, 'Health could not be loaded');
    }
  }

  // ---- maintenance: every reminder, and recording a service (the reminders count from the latest of each) ----
  const urgencyClass = { overdue: 'text-bg-danger', 'due-soon': 'text-bg-warning', ok: 'text-bg-success', unknown: 'text-bg-secondary' };
  // "85,000 km overdue" or "1,200 km left": a reminder's distance or time to its due point, never a negative number.
  const toDue = (value, unit) => (value < 0 ? `${Math.abs(value).toLocaleString()} ${unit} overdue` : `${value.toLocaleString()} ${unit} left`);
  function showMaintenance(reminders) {
    const target = $('maintenance');
    if (!target) return;
    const rows = reminders.map(r => {
      const tr = row(r.name, badge(r.urgency.replace('-', ' '), urgencyClass[r.urgency] || 'text-bg-secondary'),
        [r.remainingKm != null ? toDue(Math.round(r.remainingKm), 'km') : null,
         r.remainingDays != null ? toDue(r.remainingDays, Math.abs(r.remainingDays) === 1 ? 'day' : 'days') : null].filter(Boolean).join(' · ') || r.basis,
        r.lastDone ? new Date(r.lastDone).toLocaleDateString() : 'never recorded');
      tr.dataset.reminder = r.key;
      tr.dataset.urgency = r.urgency;
      return tr;
    });
    target.replaceChildren(rows.length ? table(['Item', 'Status', 'Due', 'Last done'], rows) : muted('No maintenance schedule.'));
  }

  const serviceForm = $('service-form');
  if (serviceForm) {
    $('service-date').value = new Date().toISOString().slice(0, 10);
    serviceForm.addEventListener('submit', async event => {
      event.preventDefault();
      const result = $('service-result');
      result.replaceChildren();
      const km = $('service-km').value;
      try {
        await api('POST', `/api/v1/vehicles/${vehicleId}/services`, {
          key: $('service-key').value, performedOn: $('service-date').value, odometerKm: km === '' ? null : Number(km),
        });
        result.textContent = 'Saved.';
        result.className = 'small ms-2 text-success';
        await loadHealth();
      } catch (error) {
        D.showError(result, error, 'The service could not be saved');
      }
    });
  }

  // ---- latest telemetry (telemetry-live.js keeps the rows current from the hub) ----
  async function loadLatestTelemetry() {
    const tbody = document.querySelector('#latest-values tbody');
    const note = $('no-values');
    try {
      const latest = await api('GET', `/api/v1/vehicles/${vehicleId}/telemetry/latest`);
      for (const v of latest.values) {
        if (tbody.querySelector(`tr[data-pid="${CSS.escape(v.pid)}"]`)) continue; // a live value arrived first: it is newer
        const tr = el('tr');
        tr.dataset.pid = v.pid;
        const name = el('td', `${v.name} `);
        name.append(el('span', `(${v.pid})`, 'text-body-secondary'));
        const value = el('td', undefined, 'text-end');
        value.append(el('span', Number(v.value.toFixed(3)).toString(), 'value'), document.createTextNode(v.unit ? ` ${v.unit}` : ''));
        const at = el('td', undefined, 'at');
        const time = el('time', new Date(v.t).toISOString().substring(11, 19));
        time.dateTime = new Date(v.t).toISOString();
        at.append(time);
        tr.append(name, value, at);
        tbody.append(tr);
      }
      if (tbody.childElementCount > 0) note?.remove();
      else if (note) note.textContent = 'Nothing received yet. Values appear here, live, as soon as a telemetry device fitted to this car sends them.';
    } catch (error) {
      if (note) D.showError(note, error, 'Latest values could not be loaded');
    }
  }

  // ---- history ----
  async function loadHistory() {
    const tbody = document.querySelector('#scan-history tbody');
    try {
      const page = await api('GET', `/api/v1/vehicles/${vehicleId}/scans?pageSize=25`);
      $('history-empty').hidden = page.items.length > 0;
      tbody.replaceChildren(...page.items.map(s => {
        const status = el('span');
        status.append(badge(s.status, s.status === 'completed' ? 'text-bg-success' : s.status === 'failed' ? 'text-bg-danger' : 'text-bg-secondary'));
        if (s.vinMismatch) status.append(' ', badge('VIN mismatch', 'text-bg-warning'));
        if (s.error) status.append(el('div', s.error, 'small text-danger'));
        const link = el('a', s.id === selectedScanId ? 'Showing' : 'Open');
        link.href = `/Diagnostics/Vehicle/${vehicleId}?scan=${s.id}`;
        if (s.id === selectedScanId) link.setAttribute('aria-current', 'true');
        const tr = row(D.formatTime(s.createdAt), status, String(s.dtcCount), s.milOn ? 'on' : 'off', s.adapterName, link);
        tr.dataset.scanId = s.id;
        if (s.id === selectedScanId) tr.className = 'history-current';
        return tr;
      }));
      return page.items;
    } catch (error) {
      const tr = el('tr');
      const td = el('td');
      td.colSpan = 6;
      D.showError(td, error, 'Scan history could not be loaded');
      tr.append(td);
      tbody.replaceChildren(tr);
      return [];
    }
  }

  // ---- one scan ----
  function ecuLabel(scan, id) {
    const ecu = scan.ecus.find(e => e.id === id);
    return ecu?.role ? `ECU ${id} (${ecu.role})` : `ECU ${id}`;
  }

  function renderScan(scan) {
    currentScan = scan;
    const meta = [`started ${D.formatTime(scan.createdAt)}`, scan.protocol, scan.adapterName].filter(Boolean).join(' · ');
    $('scan-meta').textContent = meta;
    const summary = $('scan-summary');
    summary.replaceChildren();
    const line = el('p', undefined, 'mb-1');
    line.append(badge(scan.status, scan.status === 'completed' ? 'text-bg-success' : scan.status === 'failed' ? 'text-bg-danger' : 'text-bg-secondary'),
      ` MIL ${scan.milOn ? 'on' : 'off'} · ${codeCount(scan.dtcs)}`,
      scan.batteryVoltage ? ` · battery ${scan.batteryVoltage}` : '',
      scan.vin ? ` · car reports VIN ` : '');
    if (scan.vin) line.append(el('span', scan.vin, 'vin'));
    summary.append(line);
    if (scan.vinMismatch) {
      const warn = el('div', `VIN mismatch: the car reports ${scan.vin}, the vehicle is ${scan.expectedVin}. These results belong to the car that was connected.`, 'alert alert-warning mb-1');
      warn.setAttribute('role', 'alert');
      summary.append(warn);
    }
    if (scan.error) summary.append(el('div', scan.error, 'alert alert-danger mb-1'));
    for (const w of scan.warnings || []) summary.append(el('p', w, 'small text-body-secondary mb-0'));

    // codes per ECU
    const dtcs = $('dtcs');
    dtcs.replaceChildren();
    if (scan.status !== 'completed') dtcs.append(muted('The scan has no results.'));
    else if (!scan.dtcs.length) dtcs.append(muted('No trouble codes.'));
    const byEcu = Map.groupBy ? Map.groupBy(scan.dtcs, d => d.ecu) : scan.dtcs.reduce((m, d) => m.set(d.ecu, [...(m.get(d.ecu) || []), d]), new Map());
    for (const [ecu, codes] of byEcu) {
      const group = el('div', undefined, 'dash-ecu');
      group.dataset.ecu = ecu;
      group.append(el('h4', ecuLabel(scan, ecu), 'h6 mb-1'));
      group.append(table(['Code', 'Kind', 'Severity', 'Description', 'System'], codes.map(d => {
        const tr = row(el('strong', d.code, 'vin'), d.kind, badge(d.severity, D.severityClass(d.severity)), d.description, d.system);
        tr.dataset.code = d.code;
        return tr;
      })));
      dtcs.append(group);
    }

    // readiness per ECU
    const readiness = $('readiness');
    readiness.replaceChildren();
    if (scan.status === 'completed' && !scan.readiness.length) readiness.append(muted('No ECU reported readiness.'));
    for (const r of scan.readiness) {
      const group = el('div', undefined, 'dash-ecu');
      group.dataset.ecu = r.ecu;
      group.append(el('h4', `${ecuLabel(scan, r.ecu)} · MIL ${r.milOn ? 'on' : 'off'} · ${r.dtcCount} code(s) · ${r.ignition} ignition`, 'h6 mb-1'));
      if (!r.monitors.some(m => m.supported)) {
        group.append(muted('No readiness monitors supported by this ECU.'));
        readiness.append(group);
        continue;
      }
      group.append(table(['Monitor', 'Status'], r.monitors.map(m => {
        const state = !m.supported ? ['not supported', 'monitor-unsupported'] : m.complete ? ['complete', 'monitor-complete'] : ['incomplete', 'monitor-incomplete'];
        const tr = row(m.name, el('span', state[0], state[1]));
        tr.dataset.monitor = m.name;
        return tr;
      })));
      readiness.append(group);
    }

    // freeze frames, then the snapshot taken during the scan
    const frames = $('freeze-frame');
    frames.replaceChildren();
    if (scan.status === 'completed' && !scan.freezeFrame.length) frames.append(muted('No freeze frame stored.'));
    const values = list => table(['Signal', 'Value'], list.map(v => row(`${v.name} (${v.pid})`, `${Number(v.reading.toFixed(2))} ${v.unit}`)));
    for (const f of scan.freezeFrame) {
      const group = el('div', undefined, 'dash-ecu');
      group.dataset.ecu = f.ecu;
      group.append(el('h4', `${ecuLabel(scan, f.ecu)} · frame ${f.number}${f.trigger ? ` · stored by ${f.trigger}` : ''}`, 'h6 mb-1'), values(f.values));
      frames.append(group);
    }
    if (scan.snapshot?.length) {
      const details = el('details', undefined, 'mt-2');
      details.append(el('summary', `Live snapshot during the scan (${scan.snapshot.length} values)`), values(scan.snapshot));
      frames.append(details);
    }
  }

  async function loadScan(id) {
    try {
      const scan = await api('GET', `/api/v1/scans/${id}`);
      renderScan(scan);
      if (scan.status === 'completed') {
        await Promise.allSettled([loadInterpretation(scan), loadReports(scan)]);
      } else {
        $('interpretation').replaceChildren(muted('The scan did not complete.'));
        $('report').replaceChildren(muted('The scan did not complete.'));
        $('reinterpret').hidden = true;
        $('generate-report').hidden = true;
      }
    } catch (error) {
      D.showError($('scan-summary'), error, 'The scan could not be loaded');
    }
  }

  // ---- interpretation ----
  function renderInterpretation(i) {
    const source = $('interpretation-source');
    source.textContent = i.source;
    source.title = i.outcome === 'rules' ? 'Rule engine' : `Outcome: ${i.outcome}`;
    const target = $('interpretation');
    target.replaceChildren(el('p', i.summary));
    if (i.fallbackReason) target.append(el('p', `The AI answer was not used: ${i.fallbackReason}`, 'small text-body-secondary'));
    if (i.recommendations.length) {
      const list = el('ol', undefined, 'ps-3 mb-0');
      list.append(...i.recommendations.map(r => {
        const li = el('li', undefined, 'mb-1');
        li.append(el('strong', r.title), ' ', badge(r.urgency, 'text-bg-light border'), el('div', r.why, 'small'));
        if (r.codes?.length) li.append(el('div', r.codes.join(', '), 'small vin text-body-secondary'));
        return li;
      }));
      target.append(list);
    }
    $('reinterpret').hidden = false;
  }

  async function loadInterpretation(scan) {
    try {
      renderInterpretation(await api('GET', `/api/v1/scans/${scan.id}/interpretation`));
    } catch (error) {
      D.showError($('interpretation'), error, 'No interpretation');
    }
  }

  $('reinterpret').addEventListener('click', async () => {
    if (!currentScan) return;
    const button = $('reinterpret');
    button.disabled = true;
    $('interpretation').replaceChildren(muted('Interpreting…'));
    try {
      renderInterpretation(await api('POST', `/api/v1/scans/${currentScan.id}/interpretation`, {}));
    } catch (error) {
      D.showError($('interpretation'), error, 'Interpretation failed');
    } finally {
      button.disabled = false;
    }
  });

  // ---- report ----
  const reportsMissing = error => error instanceof ApiError && (error.status === 404 || error.status === 405);

  async function openPdf(report, link) {
    link.classList.add('disabled');
    try {
      // The PDF is behind the organisation header, so it is fetched here rather than followed as a plain link.
      const response = await fetch(`/api/v1/reports/${report.id}/pdf`, { headers: { 'X-Organization-Id': D.organizationId } });
      if (!response.ok) throw new ApiError(response.status, await response.json().catch(() => null));
      const url = URL.createObjectURL(await response.blob());
      const a = el('a');
      a.href = url;
      a.download = `pitlane-report-${report.id}.pdf`;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60000);
    } catch (error) {
      D.showError($('report-error'), error, 'The PDF could not be opened');
    } finally {
      link.classList.remove('disabled');
    }
  }

  function renderReport(report) {
    const target = $('report');
    target.replaceChildren();
    const status = el('p', undefined, 'mb-1');
    status.append(badge(report.status, report.status === 'ready' ? 'text-bg-success' : report.status === 'failed' ? 'text-bg-danger' : 'text-bg-secondary'),
      ` ${D.formatTime(report.createdAt)}`);
    status.id = 'report-status';
    target.append(status);
    if (report.error) target.append(el('p', report.error, 'small text-danger mb-1'));
    if (report.status === 'ready') {
      const pdf = el('button', 'Open PDF', 'btn btn-sm btn-outline-secondary me-2');
      pdf.type = 'button';
      pdf.id = 'report-pdf';
      pdf.addEventListener('click', () => openPdf(report, pdf));
      target.append(pdf);
      if (report.shareUrl) {
        const share = el('a', 'Share link', 'btn btn-sm btn-outline-secondary');
        share.href = report.shareUrl;
        share.target = '_blank';
        share.rel = 'noopener';
        share.id = 'report-share';
        const url = el('input', undefined, 'form-control form-control-sm mt-2');
        url.readOnly = true;
        url.value = report.shareUrl;
        url.setAttribute('aria-label', 'Share link of the report');
        url.addEventListener('focus', () => url.select());
        target.append(share, url);
      }
    }
    const errors = el('div');
    errors.id = 'report-error';
    target.append(errors);
  }

  async function loadReports(scan) {
    const button = $('generate-report');
    try {
      const answer = await api('GET', `/api/v1/scans/${scan.id}/reports`);
      const reports = Array.isArray(answer) ? answer : answer?.items || [];
      button.hidden = false;
      if (!reports.length) { $('report').replaceChildren(muted('No report for this scan yet.')); return; }
      const latest = [...reports].sort((a, b) => String(b.createdAt).localeCompare(String(a.createdAt)))[0];
      renderReport(latest.status === 'ready' && !latest.shareUrl ? await api('GET', `/api/v1/reports/${latest.id}`) : latest);
    } catch (error) {
      if (reportsMissing(error)) {
        $('report').replaceChildren(muted('Reports are not available on this server yet.'));
        button.hidden = true;
      } else {
        D.showError($('report'), error, 'Reports could not be loaded');
        button.hidden = false;
      }
    }
  }

  $('generate-report').addEventListener('click', async () => {
    if (!currentScan) return;
    const button = $('generate-report');
    button.disabled = true;
    $('report').replaceChildren(muted('Generating the report…'));
    try {
      const queued = await api('POST', `/api/v1/scans/${currentScan.id}/report`, {});
      const report = await D.follow(queued.jobId, {
        poll: async () => {
          const r = await api('GET', `/api/v1/reports/${queued.id}`);
          return r.status === 'ready' || r.status === 'failed' ? r : null;
        },
      });
      renderReport(report);
    } catch (error) {
      D.showError($('report'), reportsMissing(error) ? new Error('Reports are not available on this server yet.') : error, 'The report could not be generated');
    } finally {
      button.disabled = false;
    }
  });

  // ---- new scan ----
  const startButton = $('start-scan');
  startButton?.addEventListener('click', async () => {
    const adapterId = $('adapter-select').value;
    const box = $('scan-progress');
    const bar = $('scan-progress-bar');
    const text = $('scan-progress-text');
    const result = $('scan-start-result');
    result.replaceChildren();
    startButton.disabled = true;
    box.hidden = false;
    let shown = 0;
    const onProgress = p => {
      shown = Math.max(shown, Number(p.progress) || 0);
      bar.setAttribute('aria-valuenow', String(shown));
      bar.querySelector('.progress-bar').style.width = `${shown}%`;
      text.textContent = `${p.stage || p.state || 'queued'} · ${shown}%`;
    };
    onProgress({ progress: 0, stage: 'queued' });
    try {
      const queued = await api('POST', '/api/v1/scans', { vehicleId, adapterId });
      const scan = await D.followScan(queued, onProgress);
      onProgress({ progress: 100, stage: scan.status });
      result.replaceChildren(scan.status === 'completed'
        ? el('p', `Scan complete: ${codeCount(scan.dtcs)}.`, 'text-success small mb-0')
        : el('p', `Scan failed: ${scan.error}`, 'text-danger small mb-0'));
      selectedScanId = scan.id;
      history.replaceState(null, '', `/Diagnostics/Vehicle/${vehicleId}?scan=${scan.id}`);
      await Promise.allSettled([loadHistory(), loadScan(scan.id), loadHealth()]);
    } catch (error) {
      D.showError(result, error, 'The scan could not run');
    } finally {
      startButton.disabled = false;
      setTimeout(() => { box.hidden = true; }, 1500);
    }
  });

  // ---- clear codes ----
  const confirmButton = $('clear-confirm');
  confirmButton?.addEventListener('click', async () => {
    const result = $('clear-result');
    const adapterId = $('clear-adapter').value;
    if (!adapterId) {
      D.showError(result, 'This shop has no adapter or scan agent to clear codes through.');
      return;
    }
    confirmButton.disabled = true;
    window.bootstrap?.Modal.getOrCreateInstance($('clear-dialog')).hide();
    result.replaceChildren(muted('Clearing: checking the car\'s VIN first…'));
    try {
      const accepted = await api('POST', `/api/v1/vehicles/${vehicleId}/clear-codes`, { adapterId, confirm: true });
      const job = await D.followJob(accepted.jobId, p => {
        if (p.state === 'running' || p.state === 'queued') result.replaceChildren(muted(`Clearing… ${p.message || p.state} ${p.progress ?? 0}%`));
      });
      if (job.state === 'succeeded') {
        const ecus = job.result?.clearedBy;
        const done = el('div', `Codes cleared${Array.isArray(ecus) && ecus.length ? ` by ${ecus.length} ECU(s)` : ''}. Scan again to confirm nothing came back.`, 'alert alert-success mb-0');
        done.id = 'clear-success';
        done.setAttribute('role', 'status');
        result.replaceChildren(done);
      } else {
        D.showError(result, job.error || `The job ended ${job.state}.`, 'Codes were not cleared');
      }
    } catch (error) {
      D.showError(result, error, 'Codes were not cleared');
    } finally {
      confirmButton.disabled = false;
      loadLastClearing();
    }
  });

  // The last successful clearing: readiness monitors restart from then, which matters before an inspection.
  async function loadLastClearing() {
    const line = $('last-clearing');
    if (!line) return;
    try {
      const clearings = await api('GET', `/api/v1/vehicles/${vehicleId}/code-clearings`);
      const last = clearings.find(c => c.status === 'completed');
      line.textContent = last
        ? `Codes last cleared ${new Date(last.completedAt).toLocaleString()} through ${last.adapterName} (${last.clearedBy.join(', ')}).`
        : 'No code clearing recorded.';
    } catch {
      line.textContent = '';
    }
  }

  // ---- begin ----
  loadHealth();
  loadLastClearing();
  loadLatestTelemetry();
  loadHistory().then(items => {
    if (!selectedScanId) {
      const pick = items.find(s => s.status === 'completed') || items[0];
      if (!pick) {
        $('scan-summary').replaceChildren(muted('No scans of this vehicle yet. Start one on the right.'));
        $('interpretation').replaceChildren(muted('Waiting for a completed scan.'));
        return;
      }
      selectedScanId = pick.id;
      const current = document.querySelector(`#scan-history tr[data-scan-id="${CSS.escape(pick.id)}"]`);
      current?.classList.add('history-current');
      const link = current?.querySelector('a');
      if (link) { link.textContent = 'Showing'; link.setAttribute('aria-current', 'true'); }
    }
    loadScan(selectedScanId);
  });
})();
