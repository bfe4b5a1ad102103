// Pitlane's one shared script module, loaded by every layout: API calls with the page's cookie, organisation and
// antiforgery token (errors carry the problem+json detail), small DOM helpers, and one hub connection per page
// (/hubs/live) that every script of the page shares, with joins remembered across reconnects. Module scripts build
// on window.Pitlane instead of opening their own connections or writing their own fetch wrappers.
window.Pitlane = (() => {
  const context = document.getElementById('pitlane-context');
  const meta = name => document.querySelector(`meta[name="${name}"]`)?.content || '';
  const organizationId = context?.dataset.organizationId || meta('pitlane-organization');
  const csrf = context?.dataset.csrf || meta('pitlane-csrf');

  const el = (tag, text, cls) => {
    const e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  };

  /** An API failure with the problem+json detail as its message, so every caller can show what went wrong. */
  class ApiError extends Error {
    constructor(status, problem) {
      const errors = problem?.errors ? Object.values(problem.errors).flat().join(' ') : '';
      super(errors || problem?.detail || problem?.title || `The server answered ${status}.`);
      this.status = status;
      this.problem = problem;
    }
  }

  async function api(method, url, body) {
    const headers = { Accept: 'application/json', 'X-Organization-Id': organizationId };
    if (method !== 'GET') headers.RequestVerificationToken = csrf;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let response;
    try {
      response = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' });
    } catch {
      throw new ApiError(0, { detail: 'The server could not be reached. Check the network and try again.' });
    }
    const text = await response.text();
    let data = null;
    if (text) {
      try { data = JSON.parse(text); } catch { data = { detail: text.substring(0, 200) }; }
    }
    if (!response.ok) throw new ApiError(response.status, data);
    return data;
  }

  // One hub connection per page, started on first use; joins are remembered so a reconnect re-joins them.
  let connection = null;
  let started = null;
  const joined = new Map();
  const stateListeners = new Set();
  const jobListeners = new Map();

  /** The page's hub connection (a promise), or null where SignalR is not loaded (a kiosk screen polls instead). */
  function hub() {
    if (!window.signalR) return null;
    if (!connection) {
      connection = new window.signalR.HubConnectionBuilder().withUrl('/hubs/live').withAutomaticReconnect().build();
      connection.on('jobProgress', message => jobListeners.get(message.id)?.forEach(listener => listener(message)));
      // The hub says why live updates stopped (removed from the organisation, signed out); the page shows it once.
      connection.on('access', message => {
        if (message.reason === 'signed-out') joined.clear();
        let notice = document.getElementById('live-access');
        if (!notice) {
          notice = el('div', '', 'alert alert-warning');
          notice.id = 'live-access';
          notice.setAttribute('role', 'status');
          (document.querySelector('main') || document.body).prepend(notice);
        }
        notice.textContent = message.message;
      });
      connection.onreconnecting(() => stateListeners.forEach(listener => listener('reconnecting')));
      connection.onreconnected(() => {
        stateListeners.forEach(listener => listener('reconnected'));
        joined.forEach((args, key) => connection.invoke(...args).catch(() => joined.delete(key)));
      });
      connection.onclose(() => stateListeners.forEach(listener => listener('closed')));
      started = connection.start();
    }
    return started.then(() => connection);
  }

  /**
   * Joins a group through one of the hub's Join methods (JoinVehicle, JoinJob, JoinOrganization); resolves with the
   * hub's answer (false: not a member). A successful join is repeated after every reconnect.
   */
  async function join(method, id) {
    const h = hub();
    if (!h) return false;
    const c = await h;
    const ok = await c.invoke(method, id);
    if (ok) joined.set(`${method}:${id}`, [method, id]);
    return ok;
  }

  /** Listens to a hub message ("telemetry", "jobProgress"...) and to the connection's state changes. */
  const on = (name, handler) => hub()?.then(c => c.on(name, handler));
  const onState = listener => stateListeners.add(listener);

  const TERMINAL_JOB_STATES = new Set(['succeeded', 'dead', 'cancelled']);

  /**
   * Follows a job: onProgress gets {state, progress, message} from the hub as it happens; poll() is also asked every
   * pollMs (and after each hub message) and settles the returned promise when it returns a value, so the page finishes
   * even when the WebSocket never connects. live: false follows by polling alone, every 500 ms (a kiosk screen, where
   * nobody is signed in to the hub).
   */
  function follow(jobId, { onProgress, poll, pollMs, timeoutMs = 180000, live = true }) {
    pollMs ??= live ? 1500 : 500;
    return new Promise((resolve, reject) => {
      let done = false;
      let polling = false;
      const deadline = Date.now() + timeoutMs;
      const finish = (fn, value) => {
        if (done) return;
        done = true;
        clearInterval(timer);
        jobListeners.get(jobId)?.delete(listener);
        fn(value);
      };
      const check = async () => {
        if (done || polling) return;
        polling = true;
        try {
          const result = await poll();
          if (result !== undefined && result !== null) finish(resolve, result);
          else if (Date.now() > deadline) finish(reject, new Error('This is taking longer than expected. Try again.'));
        } catch (error) {
          // A transient error while polling is retried until the deadline; a 4xx will not get better.
          if (error instanceof ApiError && error.status >= 400 && error.status < 500) finish(reject, error);
          else if (Date.now() > deadline) finish(reject, error);
        } finally {
          polling = false;
        }
      };
      const listener = message => {
        // How many updates came live over the hub (the rest of the page works without them): shown to nobody, read by
        // the browser tests to prove the live path, not only the polling fallback, carries progress.
        document.documentElement.dataset.liveMessages = String(Number(document.documentElement.dataset.liveMessages || 0) + 1);
        onProgress?.(message);
        if (TERMINAL_JOB_STATES.has(message.state)) check();
      };
      if (!jobListeners.has(jobId)) jobListeners.set(jobId, new Set());
      jobListeners.get(jobId).add(listener);
      const timer = setInterval(check, pollMs);
      const h = live ? hub() : null;
      if (h) {
        join('JoinJob', jobId).catch(() => { /* polling carries on */ });
      }
      check();
    });
  }

  /** Waits for a job to end through GET /api/v1/jobs/{id}; resolves with the job whatever its outcome. */
  const followJob = (jobId, onProgress) => follow(jobId, {
    onProgress,
    poll: async () => {
      const job = await api('GET', `/api/v1/jobs/${jobId}`);
      onProgress?.(job);
      return TERMINAL_JOB_STATES.has(job.state) ? job : null;
    },
  });

  /** Writes a failure where the person is looking: a red alert with the API's own words. */
  function showError(target, error, prefix) {
    const alert = el('div', `${prefix ? `${prefix}: ` : ''}${error?.message || error}`, 'alert alert-danger mb-2');
    alert.setAttribute('role', 'alert');
    target.replaceChildren(alert);
    return alert;
  }

  /** A time for people: in the given IANA zone (the shop's) with its name, else in the browser's. */
  const formatTime = (iso, timeZone) => {
    if (!iso) return '–';
    if (!timeZone) return new Date(iso).toLocaleString();
    try {
      return new Date(iso).toLocaleString(undefined, { timeZone, dateStyle: 'medium', timeStyle: 'short' }) + ` (${timeZone})`;
    } catch {
      return new Date(iso).toLocaleString();
    }
  };

  return { api, ApiError, el, hub, join, on, onState, follow, followJob, showError, formatTime, organizationId, csrf };
})();
