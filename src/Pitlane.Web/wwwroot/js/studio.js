// Listing studio page (Pages/Studio/Vehicle.cshtml): upload, live progress, backdrops, listing text.
(() => {
  const root = document.getElementById('studio');
  if (!root) return;
  const { api, el, followJob, showError, organizationId, csrf } = window.Pitlane;
  const vehicleId = root.dataset.vehicleId;
  const canEdit = root.dataset.canEdit === 'true';
  const canApprove = root.dataset.canApprove === 'true';
  const imageUrl = (photoId, kind, size) => `/Studio/Vehicle/${vehicleId}?handler=Image&photo=${photoId}&kind=${kind}${size ? `&size=${size}` : ''}&t=${Date.now()}`;
  const size = () => document.getElementById('size').value;

  function setStatus(card, status) {
    card.dataset.status = status;
    const badge = card.querySelector('.status');
    badge.textContent = status;
    badge.className = `badge status text-bg-${status === 'ready' ? 'success' : status === 'failed' ? 'danger' : 'secondary'}`;
  }

  function showAfter(card) {
    const holder = card.querySelector('.after, .after-placeholder');
    const img = el('img', null, 'img-fluid rounded after');
    img.alt = 'After';
    img.src = imageUrl(card.dataset.photoId, 'render', size());
    holder.replaceWith(img);
    card.querySelector('.progress')?.remove();
    card.querySelector('.progress-message')?.remove();
  }

  function follow(card) {
    const jobId = card.dataset.jobId;
    if (!jobId) return;
    const bar = card.querySelector('.progress-bar');
    const message = card.querySelector('.progress-message');
    followJob(jobId, job => {
      if (bar) bar.style.width = `${Math.max(2, job.progress || 0)}%`;
      if (message && job.message) message.textContent = job.message;
      if (job.state === 'running') setStatus(card, 'running');
    }).then(job => {
      if (job.state === 'succeeded') {
        setStatus(card, 'ready');
        showAfter(card);
      } else {
        setStatus(card, 'failed');
        if (message) message.textContent = job.error || 'The background could not be removed.';
      }
    }).catch(error => { if (message) message.textContent = error.message; });
  }

  document.querySelectorAll('.photo').forEach(card => {
    if (card.dataset.status === 'queued' || card.dataset.status === 'running') follow(card);
  });

  document.getElementById('upload-form')?.addEventListener('submit', async event => {
    event.preventDefault();
    const input = document.getElementById('photos');
    const status = document.getElementById('upload-status');
    if (!input.files.length) return;
    const form = new FormData();
    for (const file of input.files) form.append('photos', file);
    status.replaceChildren(el('div', `Uploading ${input.files.length} photo(s)…`, 'small text-body-secondary'));
    const response = await fetch(`/api/v1/studio/vehicles/${vehicleId}/photos`, {
      method: 'POST', body: form, credentials: 'same-origin',
      headers: { Accept: 'application/json', 'X-Organization-Id': organizationId, RequestVerificationToken: csrf },
    });
    const data = await response.json().catch(() => null);
    if (!response.ok) {
      showError(status, new Error(data?.detail || Object.values(data?.errors || {}).flat().join(' ') || `The server answered ${response.status}.`));
      return;
    }
    window.location.reload();
  });

  const refreshAll = () => document.querySelectorAll('.photo[data-status="ready"] img.after').forEach(img => {
    img.src = imageUrl(img.closest('.photo').dataset.photoId, 'render', size());
  });
  document.getElementById('size').addEventListener('change', refreshAll);
  document.getElementById('apply-backdrop')?.addEventListener('click', async () => {
    const [kind, top, bottom] = document.getElementById('backdrop').value.split('|');
    const cards = [...document.querySelectorAll('.photo')];
    for (const card of cards) await api('PUT', `/api/v1/studio/photos/${card.dataset.photoId}/backdrop`, { kind, top, bottom });
    refreshAll();
  });

  // Listing text
  const projectArea = document.getElementById('project');
  function renderProject(project) {
    projectArea.replaceChildren();
    const head = el('div', null, 'd-flex flex-wrap gap-2 align-items-center mb-2');
    head.append(el('span', `Status: ${project.status}`, `badge text-bg-${project.status === 'published' ? 'success' : project.status === 'review' ? 'warning' : 'secondary'}`), el('span', `Written by ${project.generator}`, 'small text-body-secondary'));
    const actions = el('div', null, 'd-flex gap-2 ms-auto');
    const button = (text, cls, fn, id) => { const b = el('button', text, `btn btn-sm ${cls}`); b.type = 'button'; b.id = id; b.addEventListener('click', fn); actions.append(b); };
    const act = path => async () => {
      try {
        renderProject(await api('POST', `/api/v1/studio/projects/${project.id}/${path}`, path === 'publish' ? { acknowledgeFlags: true } : undefined));
      } catch (error) {
        const list = error.problem?.violations;
        showError(errors, error);
        if (list) errors.append(violationList(list));
      }
    };
    if (canEdit && project.status === 'draft') button('Send for review', 'btn-primary', act('submit'), 'submit-review');
    if (canApprove && project.status === 'review') { button('Publish', 'btn-success', act('publish'), 'publish'); button('Back to draft', 'btn-outline-secondary', act('return'), 'return'); }
    head.append(actions);
    const errors = el('div');
    errors.id = 'project-errors';
    projectArea.append(head, errors);
    if (project.violations.length) {
      projectArea.append(el('div', 'Advertising checks', 'fw-semibold small mt-2'), violationList(project.violations));
    }
    const grid = el('div', null, 'row g-3 mt-1');
    for (const piece of project.pieces) {
      const col = el('div', null, 'col-12 col-lg-6');
      const card = el('div', null, 'card h-100');
      const body = el('div', null, 'card-body');
      const title = el('div', null, 'd-flex justify-content-between');
      title.append(el('span', piece.name, 'fw-semibold'), el('span', `${piece.characters} / ${piece.maxCharacters}`, `small ${piece.characters > piece.maxCharacters ? 'text-danger' : 'text-body-secondary'}`));
      const text = el('textarea', null, 'form-control form-control-sm mt-2 font-monospace');
      text.rows = 8;
      text.value = piece.text;
      text.readOnly = !(canEdit && project.status === 'draft');
      text.setAttribute('aria-label', piece.name);
      body.append(title, text);
      piece.formProblems.forEach(problem => body.append(el('div', problem, 'small text-danger')));
      if (!text.readOnly) {
        const save = el('button', 'Save', 'btn btn-sm btn-outline-primary mt-2');
        save.type = 'button';
        save.addEventListener('click', async () => {
          try { renderProject(await api('PUT', `/api/v1/studio/projects/${project.id}/pieces/${piece.platform}`, { text: text.value })); } catch (error) { showError(errors, error); }
        });
        body.append(save);
      }
      card.append(body);
      col.append(card);
      grid.append(col);
    }
    projectArea.append(grid);
  }

  function violationList(list) {
    const ul = el('ul', null, 'list-group mb-2');
    ul.id = 'violations';
    list.forEach(v => {
      const li = el('li', null, `list-group-item small ${v.blocking ? 'list-group-item-danger' : 'list-group-item-warning'}`);
      li.append(el('strong', `${v.rule} (${v.citation}) · ${v.platform}: `), document.createTextNode(v.message));
      ul.append(li);
    });
    return ul;
  }

  if (root.dataset.projectId) api('GET', `/api/v1/studio/projects/${root.dataset.projectId}`).then(renderProject).catch(error => showError(projectArea, error));

  document.getElementById('content-form')?.addEventListener('submit', async event => {
    event.preventDefault();
    const status = document.getElementById('content-status');
    try {
      const project = await api('POST', '/api/v1/studio/projects', {
        vehicleId,
        priceMinor: Math.round(Number(document.getElementById('price').value) * 100),
        currency: 'USD',
        tone: document.getElementById('tone').value,
        audience: document.getElementById('audience').value || null,
        highlights: document.getElementById('highlights').value.split('\n').map(s => s.trim()).filter(Boolean),
        disclosure: document.getElementById('disclosure').value || null,
      });
      document.getElementById('content-form').remove();
      renderProject(project);
    } catch (error) {
      showError(status, error);
    }
  });
})();
