// The inspection checklist on a phone (Inspections module): rate an item, type a measurement or notes, add a photo or a
// video straight from the camera (the file goes up as the request body; a video is then converted by a job whose
// progress shows on the item), and, for advisors, the spoken summary and the customer's approval link.
(() => {
  const root = document.getElementById('inspection');
  if (!root) return;
  const P = window.Pitlane;
  const id = root.dataset.id;
  const base = `/api/v1/inspections/${id}`;

  const counts = async () => {
    const inspection = await P.api('GET', base);
    for (const k of ['red', 'yellow', 'green']) {
      const badge = document.getElementById(`count-${k}`);
      if (badge) badge.textContent = inspection.counts[k];
    }
    return inspection;
  };

  async function save(card, patch) {
    const error = card.querySelector('.item-error');
    error.textContent = '';
    const active = card.querySelector('.rate.active');
    const measure = card.querySelector('.measure');
    const body = {
      rating: patch.rating ?? active?.dataset.rating ?? null,
      notes: card.querySelector('.notes')?.value || null,
      measuredValue: measure && measure.value !== '' ? Number(measure.value) : null,
    };
    if (patch.fromMeasurement) body.rating = null;
    try {
      const item = await P.api('PUT', `${base}/items/${card.dataset.item}`, body);
      card.querySelectorAll('.rate').forEach(b => b.classList.toggle('active', b.dataset.rating === item.rating));
      if (item.proposedJobId && !card.querySelector('.job-proposed')) {
        card.querySelector('h3').after(P.el('span', 'Job on the order', 'badge text-bg-light border job-proposed'));
      }
      await counts();
    } catch (e) {
      error.textContent = e.message;
    }
  }

  function followVideo(card, thumb, jobId) {
    const text = thumb.querySelector('.progress-text') || thumb.appendChild(P.el('span', 'Converting video…', 'text-body-secondary progress-text'));
    P.followJob(jobId, job => {
      if (job.state === 'running' || job.state === 'queued') text.textContent = `Converting video… ${job.progress ?? 0}%`;
    }).then(async job => {
      if (job.state !== 'succeeded') {
        thumb.replaceChildren(P.el('span', `Video failed: ${job.error || job.state}`, 'text-danger'));
        return;
      }
      const inspection = await counts();
      const media = inspection.items.flatMap(i => i.media).find(m => m.jobId === jobId);
      if (!media) return;
      const video = document.createElement('video');
      Object.assign(video, { src: media.url, poster: media.posterUrl || '', controls: true, preload: 'none', width: 128, height: 72 });
      video.className = 'rounded';
      thumb.replaceChildren(video);
      thumb.dataset.state = 'ready';
    }).catch(e => { text.textContent = e.message; });
  }

  async function upload(card, file) {
    const error = card.querySelector('.item-error');
    error.textContent = '';
    const list = card.querySelector('.media-list');
    const thumb = P.el('div', null, 'media-thumb small');
    thumb.appendChild(P.el('span', `Uploading ${file.name}…`, 'text-body-secondary progress-text'));
    list.appendChild(thumb);
    let response;
    try {
      response = await fetch(`${base}/items/${card.dataset.item}/media?name=${encodeURIComponent(file.name)}`, {
        method: 'POST',
        body: file,
        credentials: 'same-origin',
        headers: { 'Content-Type': file.type || 'application/octet-stream', 'X-Organization-Id': P.organizationId, RequestVerificationToken: P.csrf, Accept: 'application/json' },
      });
    } catch {
      thumb.remove();
      error.textContent = 'The upload did not reach the server. Check the network and try again.';
      return;
    }
    const data = await response.json().catch(() => ({}));
    if (!response.ok) {
      thumb.remove();
      error.textContent = data.detail || data.title || `The server answered ${response.status}.`;
      return;
    }
    thumb.dataset.media = data.id;
    if (data.kind === 'photo') {
      const img = P.el('img', null, 'rounded');
      Object.assign(img, { src: data.url, alt: 'Photo', width: 96, height: 72 });
      thumb.replaceChildren(img);
    } else {
      followVideo(card, thumb, data.jobId);
    }
  }

  root.querySelectorAll('.item').forEach(card => {
    card.querySelectorAll('.rate').forEach(button => button.addEventListener('click', () => save(card, { rating: button.dataset.rating })));
    card.querySelector('.measure')?.addEventListener('change', () => save(card, { fromMeasurement: true }));
    card.querySelector('.notes')?.addEventListener('change', () => save(card, {}));
    card.querySelector('.upload')?.addEventListener('change', event => {
      for (const file of event.target.files) upload(card, file);
      event.target.value = '';
    });
    card.querySelectorAll('.media-thumb[data-state="processing"]').forEach(thumb => followVideo(card, thumb, thumb.dataset.job));
  });

  const status = document.getElementById('send-status');
  const shareUrl = document.getElementById('share-url');
  const act = (buttonId, run) => document.getElementById(buttonId)?.addEventListener('click', async () => {
    status.textContent = '';
    try {
      await run();
    } catch (e) {
      P.showError(status, e);
    }
  });
  act('share', async () => {
    const link = await P.api('POST', `${base}/share`, {});
    shareUrl.value = link.url;
    shareUrl.classList.remove('d-none');
    shareUrl.select();
    try { await navigator.clipboard.writeText(link.url); status.textContent = 'Link copied. Earlier links no longer work.'; } catch { status.textContent = 'Copy the link above and send it to the customer.'; }
  });
  act('send', async () => {
    const link = await P.api('POST', `${base}/share`, { send: true });
    shareUrl.value = link.url;
    shareUrl.classList.remove('d-none');
    status.textContent = link.messageSent ? `Sent by ${link.messageChannel}.` : `Not sent: ${link.messageRefused || 'no message channel'}. Copy the link above instead.`;
  });
  act('revoke', async () => {
    await P.api('POST', `${base}/revoke`);
    shareUrl.classList.add('d-none');
    status.textContent = 'Every link sent so far has stopped working.';
  });
  act('narrate', async () => {
    const inspection = await P.api('POST', `${base}/narration`, {});
    status.textContent = 'Making the spoken summary…';
    const job = await P.followJob(inspection.narration.jobId, j => { status.textContent = `Making the spoken summary… ${j.progress ?? 0}%`; });
    if (job.state !== 'succeeded') throw new Error(job.error || 'The spoken summary failed.');
    const fresh = await counts();
    status.textContent = 'Spoken summary ready.';
    let audio = document.getElementById('narration-audio');
    if (!audio) {
      audio = document.createElement('audio');
      Object.assign(audio, { controls: true, id: 'narration-audio', preload: 'none' });
      audio.className = 'w-100 mt-2';
      document.getElementById('send-panel').appendChild(audio);
    }
    audio.src = fresh.narration.url;
  });
})();
