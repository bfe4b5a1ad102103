// The assistant chat (/Assistant): posts the question with the recent turns and the picked car, and reads the answer as
// server-sent events from the response body (text pieces appear as they stream; citations become links; a note says
// when the offline assistant answered instead of the model). The conversation lives in the page only.
(() => {
  const P = window.Pitlane;
  const form = document.getElementById('assistant-form');
  if (!form) return;
  const input = document.getElementById('assistant-input');
  const send = document.getElementById('assistant-send');
  const log = document.getElementById('assistant-log');
  const empty = document.getElementById('assistant-empty');
  const vehicle = document.getElementById('assistant-vehicle');
  const error = document.getElementById('assistant-error');
  const { organizationId, csrf } = P;
  const history = [];
  const toolNames = {
    decode_vin: 'Decoding the VIN', explain_dtc: 'Looking up the code', lookup_vehicle: 'Finding the car',
    get_latest_scan: 'Reading the latest scan', get_service_history: 'Reading the service history', get_next_service: 'Checking maintenance',
    find_fitting_parts: 'Searching parts that fit', get_order_status: 'Checking orders',
  };

  const bubble = (who, text) => {
    if (empty) empty.hidden = true;
    const item = P.el('div', null, `assistant-msg assistant-${who}`);
    const body = P.el('div', text, 'assistant-text');
    item.append(body);
    log.append(item);
    log.scrollTop = log.scrollHeight;
    return { item, body };
  };

  /** Parses "event:" / "data:" blocks (WHATWG server-sent events) from a streamed response body. */
  async function* events(response) {
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let name = 'message';
        const data = [];
        for (const line of block.split('\n')) {
          if (line.startsWith('event:')) name = line.slice(6).trim();
          else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
        }
        try { yield { name, data: JSON.parse(data.join('\n') || '{}') }; } catch { /* a line that is not JSON is skipped */ }
      }
    }
  }

  async function ask(question) {
    error.textContent = '';
    bubble('user', question);
    const answer = bubble('bot', '');
    answer.item.classList.add('assistant-pending');
    const status = P.el('div', 'Thinking…', 'assistant-status small text-body-secondary');
    answer.item.prepend(status);
    const sources = P.el('ul', null, 'assistant-sources list-unstyled small mb-0');
    answer.item.append(sources);
    send.disabled = true;
    let text = '';
    try {
      const response = await fetch('/api/v1/assistant/chat', {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', Accept: 'text/event-stream', 'X-Organization-Id': organizationId, RequestVerificationToken: csrf },
        body: JSON.stringify({ message: question, vehicleId: vehicle?.value || null, history: history.slice(-20) }),
      });
      if (!response.ok) {
        let problem = null;
        try { problem = await response.json(); } catch { /* not JSON */ }
        const errors = problem?.errors ? Object.values(problem.errors).flat().join(' ') : '';
        throw new Error(errors || problem?.detail || problem?.title || `The server answered ${response.status}.`);
      }
      for await (const event of events(response)) {
        switch (event.name) {
          case 'text':
            text += event.data.text;
            answer.body.textContent = text;
            status.textContent = '';
            break;
          case 'tool':
            status.textContent = (toolNames[event.data.name] || 'Looking it up') + '…';
            break;
          case 'citation': {
            if (!sources.previousElementSibling?.classList.contains('assistant-sources-title')) sources.before(P.el('div', 'Sources', 'assistant-sources-title small fw-semibold mt-2'));
            const li = P.el('li');
            const a = P.el('a', event.data.label);
            a.href = event.data.url;
            li.append(P.el('span', kindName(event.data.kind) + ': ', 'text-body-secondary'), a);
            sources.append(li);
            break;
          }
          case 'reset':
            text = '';
            answer.body.textContent = '';
            sources.replaceChildren();
            sources.previousElementSibling?.classList.contains('assistant-sources-title') && sources.previousElementSibling.remove();
            break;
          case 'note':
            answer.item.insertBefore(P.el('div', event.data.text, 'assistant-note small'), answer.body);
            break;
          case 'done':
            status.remove();
            history.push({ role: 'user', text: question }, { role: 'assistant', text: (event.data.text || text).slice(0, 4000) });
            break;
        }
        log.scrollTop = log.scrollHeight;
      }
    } catch (e) {
      error.textContent = e.message || 'The assistant could not be reached. Try again.';
      if (!text) answer.item.remove();
    } finally {
      answer.item.classList.remove('assistant-pending');
      status.isConnected && !text && status.remove();
      send.disabled = false;
      input.focus();
    }
  }

  const kindName = kind => ({ vehicle: 'Vehicle', scan: 'Scan', 'repair-order': 'Repair order', service: 'Service', order: 'Order', listing: 'Part' })[kind] || 'Record';

  form.addEventListener('submit', event => {
    event.preventDefault();
    const question = input.value.trim();
    if (!question || send.disabled) return;
    input.value = '';
    ask(question);
  });
  input.addEventListener('keydown', event => {
    if (event.key === 'Enter' && !event.shiftKey) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  document.querySelectorAll('.assistant-suggestion').forEach(button => button.addEventListener('click', () => {
    if (!send.disabled) ask(button.textContent);
  }));
})();
