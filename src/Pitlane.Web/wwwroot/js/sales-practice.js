// The practice page: microphone → WebSocket capture, live tips from the hub, pause/finish/upload.
(() => {
  const P = window.Pitlane;
  const controls = document.getElementById('controls');
  const id = controls.dataset.session;
  let state = controls.dataset.state;
  const $ = x => document.getElementById(x);
  const seen = new Set([...document.querySelectorAll('#feedback li')].map(li => li.dataset.id));
  let ws = null, recorder = null, media = null, stopped = null;

  const clock = seconds => `${Math.floor(seconds / 60)}:${String(Math.floor(seconds % 60)).padStart(2, '0')}`;
  function show(f) {
    if (f.sessionId !== id || seen.has(f.id)) return;
    seen.add(f.id);
    $('feedback-empty').hidden = true;
    const li = P.el('li', null, `list-group-item feedback-${f.type.toLowerCase()}`);
    li.dataset.id = f.id;
    li.append(P.el('span', clock(f.atSeconds), 'font-monospace small me-2'), f.message);
    $('feedback').prepend(li);
  }
  P.join('JoinMine', P.organizationId).catch(() => { /* the socket still echoes feedback */ });
  P.on('salesFeedback', show);

  function setState(text, next) {
    $('state').textContent = text;
    if (next) state = next;
  }
  function fail(err) { $('error').textContent = err.message || String(err); }

  async function startRecording() {
    $('error').textContent = '';
    if (state === 'Paused') { await P.api('POST', `/api/v1/sales/sessions/${id}/resume`); state = 'Active'; }
    const ticket = await P.api('POST', `/api/v1/sales/sessions/${id}/stream-ticket?format=webm`);
    media = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false } });
    ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${ticket.url}`);
    ws.binaryType = 'arraybuffer';
    stopped = new Promise(resolve => {
      ws.onmessage = e => {
        const m = JSON.parse(e.data);
        if (m.type === 'feedback') show(m.feedback);
        if (m.type === 'progress') $('clock').textContent = clock(m.seconds);
        if (m.type === 'stopped') { $('clock').textContent = clock(m.seconds); resolve(m); }
      };
      ws.onclose = () => resolve(null);
    });
    await new Promise((resolve, reject) => { ws.onopen = resolve; ws.onerror = () => reject(new Error('The recording connection could not be opened.')); });
    recorder = new MediaRecorder(media, { mimeType: 'audio/webm;codecs=opus' });
    let sending = Promise.resolve();
    recorder.ondataavailable = e => {
      if (e.data.size > 0) sending = sending.then(() => e.data.arrayBuffer()).then(b => { if (ws.readyState === 1) ws.send(b); });
    };
    recorder.onstop = () => sending.then(() => { if (ws.readyState === 1) ws.send('stop'); });
    recorder.start(250);
    setState('Listening…', 'Recording');
    $('record').textContent = '■ Stop';
    $('pause').hidden = false;
    $('finish').disabled = false; // Finish saves this take first.
  }

  async function stopRecording() {
    if (!recorder) return;
    recorder.stop();
    media.getTracks().forEach(t => t.stop());
    setState('Saving…');
    await stopped;
    recorder = null;
    state = 'Active';
    setState('Ready');
    $('record').textContent = '● Continue speaking';
    $('finish').disabled = false;
  }

  $('record').addEventListener('click', () => (recorder ? stopRecording() : startRecording()).catch(fail));
  $('pause').addEventListener('click', async () => {
    try {
      await stopRecording();
      await P.api('POST', `/api/v1/sales/sessions/${id}/pause`);
      setState('Paused', 'Paused');
      $('pause').hidden = true;
    } catch (err) { fail(err); }
  });
  $('finish').addEventListener('click', async () => {
    try {
      await stopRecording();
      if (state === 'Paused') await P.api('POST', `/api/v1/sales/sessions/${id}/resume`);
      setState('Scoring…');
      await P.api('POST', `/api/v1/sales/sessions/${id}/complete`);
      location.href = `/Sales/Report/${id}`;
    } catch (err) { fail(err); }
  });
  $('upload').addEventListener('change', async e => {
    const file = e.target.files[0];
    if (!file) return;
    try {
      if (state === 'Paused') { await P.api('POST', `/api/v1/sales/sessions/${id}/resume`); state = 'Active'; }
      setState('Analysing upload…');
      const response = await fetch(`/api/v1/sales/sessions/${id}/recording`, {
        method: 'POST', body: file, credentials: 'same-origin',
        headers: { 'X-Organization-Id': P.organizationId, RequestVerificationToken: P.csrf, 'Content-Type': file.type || 'application/octet-stream' },
      });
      const body = await response.json();
      if (!response.ok) throw new Error(body.detail || 'The upload failed.');
      body.feedback.forEach(show);
      $('clock').textContent = clock(body.audioSeconds);
      $('finish').disabled = false;
      setState('Ready');
    } catch (err) { fail(err); setState('Ready'); }
  });
})();
