// Messaging pages: the inbox (threads with unread counts), a customer's conversation with its composer, and the SMS
// simulator's phone. All three re-read the API when the hub says a message arrived or changed ("messaging" on the
// organisation's group), so staff see customers' replies and delivery reports as they happen.
(() => {
  const { api, el, join, on, onState, showError } = window.Pitlane;
  const root = document.getElementById('messaging-inbox') || document.getElementById('messaging-thread') || document.getElementById('phone');
  if (!root) return;
  const zone = root.dataset.zone || 'UTC';
  const fmt = iso => {
    const d = new Date(iso);
    const sameDay = new Date().toLocaleDateString('en-GB', { timeZone: zone }) === d.toLocaleDateString('en-GB', { timeZone: zone });
    return d.toLocaleString('en-GB', sameDay
      ? { timeZone: zone, hour: '2-digit', minute: '2-digit' }
      : { timeZone: zone, weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
  };
  const words = {
    held: 'waiting for quiet hours to end', queued: 'sending', accepted: 'sending', scheduled: 'sending', sending: 'sending', sent: 'sent',
    delivered: 'delivered', read: 'read', undelivered: 'not delivered', failed: 'not delivered', refused: 'not sent', stored: 'kept in the outbox (not sent)',
  };
  const status = document.getElementById('live-status');
  onState(state => { if (status) status.textContent = state === 'reconnecting' ? 'reconnecting…' : state === 'closed' ? 'offline' : 'live'; });
  const live = handler => {
    join('JoinOrganization', root.dataset.organizationId).catch(() => { if (status) status.textContent = 'offline'; });
    on('messaging', handler);
  };

  // ---- inbox ----
  if (root.id === 'messaging-inbox') {
    const list = document.getElementById('thread-list');
    const refresh = async () => {
      const page = await api('GET', '/api/v1/messaging/threads?pageSize=100');
      const unread = page.items.reduce((n, t) => n + t.unread, 0);
      const badge = document.getElementById('unread-total');
      badge.textContent = `${unread} unread`;
      badge.hidden = unread === 0;
      document.getElementById('inbox-empty').hidden = page.items.length > 0;
      list.replaceChildren(...page.items.map(t => {
        const a = el('a', null, `list-group-item list-group-item-action d-flex gap-3 align-items-start${t.unread ? ' thread-unread' : ''}`);
        a.href = t.customerId ? `/Messaging/Customer/${t.customerId}` : '#';
        a.dataset.threadId = t.id;
        const main = el('div', null, 'flex-grow-1 min-w-0');
        const top = el('div', null, 'd-flex justify-content-between gap-2');
        top.append(el('strong', t.customerName, 'text-truncate'), el('small', fmt(t.lastMessageAt), 'text-body-secondary text-nowrap'));
        main.append(top, el('div', t.lastPreview, 'small text-body-secondary text-truncate'));
        a.append(main);
        if (t.unread) a.append(el('span', String(t.unread), 'badge rounded-pill text-bg-primary align-self-center'));
        return a;
      }));
    };
    live(() => refresh().catch(() => {}));
    return;
  }

  const customerId = root.dataset.customerId;

  // ---- a customer's conversation ----
  if (root.id === 'messaging-thread') {
    const thread = document.getElementById('thread');
    const render = data => {
      document.getElementById('thread-empty').hidden = data.messages.length > 0;
      thread.replaceChildren(...data.messages.slice().reverse().map(m => {
        const li = el('li', null, `bubble ${m.direction === 'inbound' ? 'bubble-in' : 'bubble-out'} status-${m.status}`);
        li.dataset.messageId = m.id;
        if (m.subject) li.append(el('div', m.subject, 'small fw-semibold'));
        li.append(el('div', m.body, 'bubble-body'));
        let meta = `${m.channel === 'sms' ? 'Text' : 'E-mail'} · ${fmt(m.createdAt)}`;
        if (m.direction === 'outbound') meta += ` · ${words[m.status] || m.status}`;
        if (m.status === 'held' && m.sendAfter) meta += ` until ${fmt(m.sendAfter)}`;
        if (m.error && ['refused', 'failed', 'undelivered'].includes(m.status)) meta += ` – ${m.error}`;
        li.append(el('div', meta, 'bubble-meta small'));
        return li;
      }));
    };
    const refresh = async () => {
      render(await api('GET', `/api/v1/messaging/customers/${customerId}/thread`));
      await api('POST', `/api/v1/messaging/customers/${customerId}/read`).catch(() => {});
    };
    live(message => { if (message.customerId === customerId) refresh().catch(() => {}); });
    const form = document.getElementById('composer');
    form?.addEventListener('submit', async event => {
      event.preventDefault();
      const body = document.getElementById('body');
      const out = document.getElementById('composer-status');
      const button = document.getElementById('send');
      button.disabled = true;
      out.replaceChildren();
      try {
        const channel = document.getElementById('channel').value || null;
        const sent = await api('POST', `/api/v1/messaging/customers/${customerId}/messages`, { body: body.value, channel });
        body.value = '';
        out.textContent = sent.status === 'held' ? 'Quiet hours: it goes out when they end.' : 'Sent.';
        await refresh();
      } catch (error) {
        showError(out, error, 'Not sent');
      } finally {
        button.disabled = false;
      }
    });
    return;
  }

  // ---- the simulator's phone ----
  const screen = document.getElementById('phone-screen');
  const bubble = (text, mine, when) => {
    const li = el('li', null, `bubble ${mine ? 'bubble-out' : 'bubble-in'}`);
    li.append(el('div', text, 'bubble-body'), el('div', when, 'bubble-meta small'));
    return li;
  };
  const extra = [];
  const refresh = async () => {
    const data = await api('GET', `/api/v1/messaging/simulator/customers/${customerId}/phone`);
    screen.replaceChildren(...data.messages.map(m => bubble(m.body, m.direction === 'inbound', fmt(m.createdAt))), ...extra);
    document.getElementById('phone-empty').hidden = screen.children.length > 0;
    screen.scrollTop = screen.scrollHeight;
  };
  screen.scrollTop = screen.scrollHeight;
  live(message => { if (message.customerId === customerId) refresh().catch(() => {}); });
  document.getElementById('phone-form').addEventListener('submit', async event => {
    event.preventDefault();
    const input = document.getElementById('phone-body');
    const out = document.getElementById('phone-status');
    out.replaceChildren();
    try {
      const answer = await api('POST', `/api/v1/messaging/simulator/customers/${customerId}/phone`, { body: input.value });
      input.value = '';
      await refresh();
      // The carrier's own STOP confirmation is not part of the shop's thread: shown here as the phone would.
      if (answer.reply && !screen.textContent.includes(answer.reply)) {
        extra.push(bubble(answer.reply, false, 'now'));
        screen.append(extra[extra.length - 1]);
        screen.scrollTop = screen.scrollHeight;
      }
    } catch (error) {
      showError(out, error, 'Not sent');
    }
  });
})();
