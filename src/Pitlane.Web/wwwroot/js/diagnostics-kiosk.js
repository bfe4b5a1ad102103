// The customer kiosk: VIN (typed, checked live by GET /api/v1/vin/{vin}, or read from the car), the scan's stages live
// from /hubs/live (polling GET /api/v1/scans/{id} as the fallback), then the health score, the plain-language
// interpretation, the trouble codes and a QR code of the shareable report. Starts over after a while without a touch.
// Two modes (data-mode): "staff", signed in as a shop account, on the scan API; "device", a paired kiosk screen, on the
// kiosk API (/api/v1/kiosk: its one adapter, its own recent scans) and polling only (no hub: nobody is signed in).
(() => {
  const root = document.getElementById('kiosk');
  const D = window.PitlaneDiagnostics;
  if (!root || !D || root.dataset.canScan !== 'true') return;
  const { api, el, ApiError } = D;
  const $ = id => document.getElementById(id);
  const device = root.dataset.mode === 'device';
  const qrUrl = root.dataset.qrUrl;
  const paths = device
    ? {
      vin: vin => `/api/v1/kiosk/vin/${encodeURIComponent(vin)}`,
      start: () => '/api/v1/kiosk/scans',
      scan: id => `/api/v1/kiosk/scans/${id}`,
      health: scan => `/api/v1/kiosk/scans/${scan.id}/health`,
      interpretation: id => `/api/v1/kiosk/scans/${id}/interpretation`,
      report: id => `/api/v1/kiosk/scans/${id}/report`,
      reportStatus: id => `/api/v1/kiosk/reports/${id}`,
    }
    : {
      vin: vin => `/api/v1/vin/${encodeURIComponent(vin)}`,
      start: () => '/api/v1/scans',
      scan: id => `/api/v1/scans/${id}`,
      health: scan => `/api/v1/vehicles/${scan.vehicleId}/health`,
      interpretation: id => `/api/v1/scans/${id}/interpretation`,
      report: id => `/api/v1/scans/${id}/report`,
      reportStatus: id => `/api/v1/reports/${id}`,
    };
  const storageKey = `pitlane.kiosk.adapter.${D.organizationId}`;
  const idleSeconds = Number(root.dataset.idleSeconds || 120);
  const steps = ['step-adapter', 'step-vin', 'step-progress', 'step-result'];
  const adapters = new Map([...document.querySelectorAll('#adapter-choices [data-adapter-id]')]
    .map(b => [b.dataset.adapterId, b.textContent.trim()]));
  const errorBox = $('kiosk-error');
  const vinInput = $('kiosk-vin');
  const vinStatus = $('kiosk-vin-status');
  const startButton = $('kiosk-start');
  const readButton = $('kiosk-read-vin');
  const restartButton = $('kiosk-restart');
  let adapterId = null;
  let vinTimer = 0;
  let vinAsked = '';
  let run = 0; // bumps on every start over, so answers for an abandoned scan are ignored
  let idleTimer = 0;
  let idleTick = 0;

  function show(step) {
    for (const id of steps) $(id).hidden = id !== step;
    restartButton.hidden = step === 'step-adapter' || step === 'step-vin';
    armIdle(step !== 'step-progress' && step !== 'step-adapter');
  }

  function fail(message) {
    D.showError(errorBox, message);
    restartButton.hidden = false;
    armIdle(true);
  }

  // ---- adapter ----
  function chooseAdapter(id, remember) {
    adapterId = id;
    if (remember) localStorage.setItem(storageKey, id);
    $('kiosk-adapter-name').textContent = adapters.get(id) || id;
    reset();
  }

  for (const button of document.querySelectorAll('#adapter-choices [data-adapter-id]')) {
    button.addEventListener('click', () => chooseAdapter(button.dataset.adapterId, true));
  }
  $('kiosk-change-adapter').addEventListener('click', () => { localStorage.removeItem(storageKey); show('step-adapter'); });

  // ---- VIN ----
  function vinLine(text, cls) {
    vinStatus.replaceChildren(el('span', text, cls));
  }

  const typoMessage = 'This VIN does not add up: one of its characters is probably mistyped. ' +
    'Please compare it with the VIN on your registration document, or press "Read it from the car".';

  // The server's rule (ScanEndpoints.IsTypo): the check digit is mandatory for vehicles built for North America and China.
  function checkDigitRequired(decoded) {
    return decoded.checkDigit && !decoded.checkDigit.valid && (decoded.region === 'North America' || decoded.country === 'China');
  }

  async function checkVin(vin) {
    vinAsked = vin;
    try {
      const decoded = await api('GET', paths.vin(vin));
      if (vin !== vinAsked) return;
      if (!decoded.isValid && checkDigitRequired(decoded)) {
        // Where the 9th character must be a check digit (49 CFR 565, GB 16735), a mismatch is a typo: no scan on it.
        vinStatus.dataset.state = 'typo';
        vinLine(typoMessage, 'vin-bad');
        startButton.disabled = true;
        return;
      }
      const car = [decoded.modelYear, decoded.make, decoded.model].filter(Boolean).join(' ');
      vinStatus.replaceChildren(
        el('span', decoded.isValid ? '✓ VIN recognised' : '⚠ Please check the VIN once more', decoded.isValid ? 'vin-ok' : 'vin-warn'),
        el('span', car ? ` · ${car}` : '', 'vin-car'));
      vinStatus.dataset.state = decoded.isValid ? 'valid' : 'check-digit';
      startButton.disabled = false;
    } catch (error) {
      if (vin !== vinAsked) return;
      vinStatus.dataset.state = 'invalid';
      vinLine(error instanceof ApiError && error.status === 400 ? error.message : `The VIN could not be checked: ${error.message}`, 'vin-bad');
      startButton.disabled = true;
    }
  }

  vinInput.addEventListener('input', () => {
    const cleaned = vinInput.value.toUpperCase().replace(/[^A-Z0-9]/g, '').substring(0, 17);
    if (cleaned !== vinInput.value) vinInput.value = cleaned;
    clearTimeout(vinTimer);
    startButton.disabled = true;
    vinAsked = '';
    delete vinStatus.dataset.state;
    if (cleaned.length === 0) { vinLine('Type the 17 characters of your VIN.'); return; }
    if (/[IOQ]/.test(cleaned)) { vinLine('A VIN never contains I, O or Q: these are usually 1 and 0.', 'vin-bad'); return; }
    if (cleaned.length < 17) { vinLine(`${cleaned.length} of 17 characters`); return; }
    vinLine('Checking…');
    vinTimer = setTimeout(() => checkVin(cleaned), 200);
  });
  vinInput.addEventListener('keydown', event => {
    if (event.key === 'Enter' && !startButton.disabled) startButton.click();
  });
  startButton.addEventListener('click', () => start(vinInput.value));
  readButton.addEventListener('click', () => start(null));

  // ---- scan ----
  const stageItems = [...document.querySelectorAll('#kiosk-stages [data-stage]')];
  const stageNames = stageItems.map(li => li.dataset.stage);
  let shownProgress = 0;

  function progress({ progress: percent, stage }) {
    const value = Math.max(shownProgress, Math.min(100, Number(percent) || 0));
    shownProgress = value;
    const bar = $('kiosk-progress');
    bar.setAttribute('aria-valuenow', String(value));
    bar.dataset.progress = String(value);
    $('kiosk-progress-bar').style.width = `${value}%`;
    const index = stageNames.indexOf(stage);
    if (index >= 0) {
      stageItems.forEach((li, i) => {
        li.classList.toggle('done', i < index);
        li.classList.toggle('active', i === index);
      });
      $('kiosk-progress-text').textContent = `${stageItems[index].textContent}… ${value}%`;
    } else if (value > 0) {
      $('kiosk-progress-text').textContent = `${value}%`;
    }
  }

  async function start(vin) {
    const mine = ++run;
    errorBox.replaceChildren();
    startButton.disabled = true;
    readButton.disabled = true;
    shownProgress = 0;
    stageItems.forEach(li => li.classList.remove('done', 'active'));
    progress({ progress: 0 });
    $('kiosk-progress-text').textContent = 'Waiting for the adapter…';
    show('step-progress');
    try {
      const body = device ? {} : { adapterId };
      if (vin) body.vin = vin;
      const queued = await api('POST', paths.start(), body);
      const scan = await D.followScan(queued, p => { if (mine === run) progress(p); }, paths.scan(queued.id), !device);
      if (mine !== run) return;
      if (scan.status === 'failed') {
        fail(`We could not finish the check: ${scan.error || 'the adapter stopped answering'}. Please ask a member of staff.`);
        return;
      }
      progress({ progress: 100 });
      stageItems.forEach(li => { li.classList.add('done'); li.classList.remove('active'); });
      await showResult(scan, vin, mine);
    } catch (error) {
      if (mine !== run) return;
      if (vin && error instanceof ApiError && error.status === 400) {
        // The VIN was refused (a typo): back to the VIN, with the reason where the customer is looking, nothing started.
        show('step-vin');
        vinStatus.dataset.state = 'typo';
        vinLine(error.message, 'vin-bad');
        vinInput.focus();
        return;
      }
      fail(error);
    } finally {
      readButton.disabled = false;
    }
  }

  // ---- result ----
  const GAUGE = 2 * Math.PI * 52;
  const bandWords = { good: 'Good', fair: 'Fair', poor: 'Needs attention', critical: 'Needs attention now' };

  async function showResult(scan, typedVin, mine) {
    show('step-result');
    const mismatch = $('kiosk-mismatch');
    mismatch.hidden = !scan.vinMismatch;
    if (scan.vinMismatch) {
      mismatch.textContent = `The car on the adapter reports VIN ${scan.vin}, not ${scan.expectedVin || typedVin}. ` +
        'These results are for the car that was connected. Please check with a member of staff.';
    }
    renderDtcs(scan.dtcs);
    const tasks = [loadHealth(scan, mine), loadInterpretation(scan, mine), loadReport(scan, mine)];
    await Promise.allSettled(tasks);
  }

  function renderDtcs(dtcs) {
    const list = $('kiosk-dtcs');
    list.replaceChildren();
    if (!dtcs.length) {
      list.append(el('li', 'No trouble codes stored. ✓', 'kiosk-no-dtcs'));
      return;
    }
    // A code reported as stored and permanent (or by two ECUs) is one line for the customer.
    const byCode = new Map();
    for (const d of dtcs) {
      const seen = byCode.get(d.code);
      if (seen) seen.kinds.add(d.kind); else byCode.set(d.code, { ...d, kinds: new Set([d.kind]) });
    }
    for (const d of byCode.values()) {
      const li = el('li', undefined, 'kiosk-dtc');
      li.dataset.code = d.code;
      li.append(el('span', d.code, 'kiosk-dtc-code vin'), el('span', d.severity, `badge ${D.severityClass(d.severity)}`),
        el('span', d.description || 'No description for this code', 'kiosk-dtc-text'));
      if (d.kinds.has('pending') && d.kinds.size === 1) li.append(el('span', 'not confirmed yet', 'badge text-bg-light border'));
      list.append(li);
    }
  }

  async function loadHealth(scan, mine) {
    const scoreEl = $('kiosk-score');
    if (!scan.vehicleId) {
      $('kiosk-band').textContent = 'No score: the car did not report which vehicle it is.';
      return;
    }
    try {
      const health = await api('GET', paths.health(scan));
      if (mine !== run) return;
      scoreEl.textContent = String(health.score);
      $('kiosk-gauge').className = `kiosk-gauge ${D.bandClass(health.band)}`;
      $('kiosk-gauge-value').setAttribute('stroke-dasharray', `${(health.score / 100) * GAUGE} ${GAUGE}`);
      const band = $('kiosk-band');
      band.textContent = bandWords[health.band] || health.band;
      band.dataset.band = health.band;
    } catch (error) {
      if (mine === run) $('kiosk-band').textContent = `The score could not be worked out: ${error.message}`;
    }
  }

  async function loadInterpretation(scan, mine) {
    const summary = $('kiosk-summary');
    try {
      const interpretation = await api('GET', paths.interpretation(scan.id));
      if (mine !== run) return;
      summary.textContent = interpretation.summary;
      const list = $('kiosk-recommendations');
      list.replaceChildren(...interpretation.recommendations.slice(0, 4).map(r => {
        // The title is the plain advice; the reasoning behind it is for the technician's screen and the report.
        const li = el('li', undefined, `urgency-${r.urgency}`);
        li.append(el('strong', r.title), el('span', ` (${r.urgency.replace('-', ' ')})`, 'text-body-secondary'));
        return li;
      }));
    } catch (error) {
      if (mine === run) summary.textContent = `A summary is not available right now (${error.message}). Staff can explain the results.`;
    }
  }

  async function loadReport(scan, mine) {
    const target = $('kiosk-report');
    target.replaceChildren(el('p', 'Preparing your report…', 'kiosk-hint'));
    let queued;
    try {
      queued = await api('POST', paths.report(scan.id), {});
    } catch (error) {
      if (mine !== run) return;
      const missing = error instanceof ApiError && (error.status === 404 || error.status === 405);
      target.replaceChildren(el('p', missing ? 'Take-home reports are not available on this server. Ask staff for a printout.'
        : `The report could not be prepared: ${error.message}`, missing ? 'kiosk-hint' : 'text-danger'));
      return;
    }
    try {
      const report = await D.follow(queued.jobId, {
        poll: async () => {
          const r = await api('GET', paths.reportStatus(queued.id));
          return r.status === 'ready' || r.status === 'failed' ? r : null;
        },
        live: !device,
      });
      if (mine !== run) return;
      if (report.status !== 'ready') {
        target.replaceChildren(el('p', `The report could not be prepared${report.error ? `: ${report.error}` : ''}. Ask staff for a printout.`, 'text-danger'));
        return;
      }
      const img = el('img', undefined, 'kiosk-qr');
      img.id = 'kiosk-qr';
      img.alt = 'QR code with the link to your report';
      img.width = 280;
      img.height = 280;
      img.addEventListener('error', () => target.append(el('p', 'The QR code could not be drawn. Ask staff to send you the link.', 'text-danger')));
      img.src = `${qrUrl}${encodeURIComponent(queued.id)}`;
      const hint = el('p', 'Point your phone camera at the code. The link works for a limited time.', 'kiosk-hint mt-2');
      target.replaceChildren(img, hint);
      if (report.shareUrl) {
        const link = el('p', report.shareUrl, 'small text-body-secondary text-break mb-0');
        link.id = 'kiosk-share-url';
        target.append(link);
      }
    } catch (error) {
      if (mine === run) target.replaceChildren(el('p', `The report could not be prepared: ${error.message}`, 'text-danger'));
    }
  }

  // ---- start over ----
  function reset() {
    run++;
    errorBox.replaceChildren();
    vinInput.value = '';
    vinInput.dispatchEvent(new Event('input'));
    $('kiosk-score').textContent = '–';
    $('kiosk-band').textContent = '…';
    $('kiosk-gauge').className = 'kiosk-gauge';
    $('kiosk-gauge-value').setAttribute('stroke-dasharray', `0 ${GAUGE}`);
    $('kiosk-summary').textContent = 'Preparing a plain-language summary…';
    $('kiosk-recommendations').replaceChildren();
    $('kiosk-dtcs').replaceChildren();
    $('kiosk-report').replaceChildren();
    $('kiosk-mismatch').hidden = true;
    startButton.disabled = true;
    readButton.disabled = false;
    if (!adapterId) { show('step-adapter'); return; }
    show('step-vin');
    vinInput.focus();
  }
  restartButton.addEventListener('click', reset);

  function armIdle(on) {
    clearTimeout(idleTimer);
    clearInterval(idleTick);
    $('kiosk-idle').textContent = '';
    if (!on) return;
    const until = Date.now() + idleSeconds * 1000;
    idleTick = setInterval(() => {
      const left = Math.round((until - Date.now()) / 1000);
      $('kiosk-idle').textContent = left <= 20 ? `Starting over in ${left} s — touch the screen to stay.` : '';
    }, 1000);
    idleTimer = setTimeout(() => {
      // Nothing to forget on an untouched VIN screen; anything else goes back to the start for the next customer.
      if (!$('step-vin').hidden && vinInput.value === '' && !errorBox.childElementCount) { armIdle(true); return; }
      reset();
    }, idleSeconds * 1000);
  }
  for (const type of ['pointerdown', 'keydown', 'input']) {
    document.addEventListener(type, () => { if ($('step-progress').hidden && $('step-adapter').hidden) armIdle(true); }, { passive: true });
  }

  // ---- begin ----
  const fromQuery = root.dataset.adapter;
  const remembered = localStorage.getItem(storageKey);
  if (fromQuery) {
    if (!adapters.has(fromQuery)) {
      show('step-adapter');
      D.showError(errorBox, 'The adapter in this kiosk\'s address is not one of this organisation\'s adapters. Choose one below.');
      return;
    }
    chooseAdapter(fromQuery, false);
  } else if (remembered && adapters.has(remembered)) {
    chooseAdapter(remembered, false);
  } else {
    show('step-adapter');
  }
})();
