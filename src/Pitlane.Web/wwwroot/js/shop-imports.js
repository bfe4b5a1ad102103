// The shop's import page (/Shop/Imports): check and import a CSV file of customers and cars, save Tekmetric
// credentials and run a Tekmetric import, and show what each import did. Talks to /api/v1/shop/imports.
(() => {
  const P = window.Pitlane;
  const $ = id => document.getElementById(id);
  if (!$('csv-form')) return;
  const base = '/api/v1/shop/imports';
  const errorBox = $('import-error');
  const result = $('import-result');
  let file = null;

  const fail = error => {
    errorBox.textContent = error?.message || String(error);
    errorBox.classList.remove('d-none');
  };
  const clear = () => errorBox.classList.add('d-none');

  async function postCsv(dryRun) {
    const url = `${base}/csv?dryRun=${dryRun}&fileName=${encodeURIComponent(file.name.substring(0, 200))}`;
    let response;
    try {
      response = await fetch(url, {
        method: 'POST', credentials: 'same-origin', body: file,
        headers: { Accept: 'application/json', 'Content-Type': 'text/csv', 'X-Organization-Id': P.organizationId, RequestVerificationToken: P.csrf },
      });
    } catch {
      throw new P.ApiError(0, { detail: 'The server could not be reached. Check the network and try again.' });
    }
    const text = await response.text();
    let data = null;
    try { data = text ? JSON.parse(text) : null; } catch { data = { detail: text.substring(0, 200) }; }
    if (!response.ok) throw new P.ApiError(response.status, data);
    return data;
  }

  const counts = (label, c) => {
    const tr = P.el('tr');
    tr.append(P.el('th', label), P.el('td', String(c.created)), P.el('td', String(c.updated)), P.el('td', String(c.skipped)), P.el('td', String(c.errors)));
    return tr;
  };

  function summaryTable(summary, withOrders) {
    const table = P.el('table', null, 'table table-sm w-auto');
    const head = P.el('tr');
    ['', 'New', 'Updated', 'Unchanged', 'Not imported'].forEach(h => head.append(P.el('th', h)));
    const thead = P.el('thead');
    thead.append(head);
    const body = P.el('tbody');
    body.append(counts('Customers', summary.customers), counts('Cars', summary.vehicles));
    if (withOrders) body.append(counts('Repair orders', summary.repairOrders));
    table.append(thead, body);
    // On a phone the five columns are wider than the screen: the table scrolls inside its box, not the page.
    const box = P.el('div', null, 'table-responsive');
    box.append(table);
    return box;
  }

  function issuesList(issues, left) {
    const list = P.el('ul', null, 'small text-break');
    issues.forEach(i => list.append(P.el('li', `${i.row ? `Row ${i.row}: ` : ''}${i.message}`, i.warning ? 'text-body-secondary' : 'text-danger')));
    if (left) list.append(P.el('li', `and ${left} more`));
    return list;
  }

  function showCsv(data) {
    const wrap = P.el('div', null, 'card');
    const body = P.el('div', null, 'card-body');
    body.id = 'csv-result';
    const title = data.dryRun
      ? `Checked ${data.rows} rows: ${data.validRows} can be imported, ${data.invalidRows} need fixing. Nothing is saved yet.`
      : `Imported ${data.validRows} of ${data.rows} rows.`;
    body.append(P.el('h3', title, 'h6'), summaryTable(data.summary, false));
    const bad = data.results.filter(r => r.errors.length || r.warnings.length);
    if (bad.length) {
      const list = P.el('ul', null, 'small text-break');
      bad.forEach(r => {
        const words = [...r.errors.map(e => e.message), ...r.warnings].join(' ');
        list.append(P.el('li', `Row ${r.row} (line ${r.line}${r.name ? `, ${r.name}` : ''}): ${words}`, r.errors.length ? 'text-danger' : 'text-body-secondary'));
      });
      body.append(P.el('p', 'Rows to look at:', 'small mb-1'), list);
    }
    wrap.append(body);
    result.replaceChildren(wrap);
  }

  $('csv-file').addEventListener('change', e => {
    file = e.target.files[0] || null;
    $('csv-import').disabled = true;
    result.replaceChildren();
  });
  $('csv-form').addEventListener('submit', async e => {
    e.preventDefault();
    clear();
    if (!file) return;
    $('csv-check').disabled = true;
    try {
      const data = await postCsv(true);
      showCsv(data);
      $('csv-import').disabled = data.validRows === 0;
    } catch (error) {
      fail(error);
    } finally {
      $('csv-check').disabled = false;
    }
  });
  $('csv-import').addEventListener('click', async () => {
    clear();
    $('csv-import').disabled = true;
    try {
      showCsv(await postCsv(false));
      await loadRuns();
    } catch (error) {
      fail(error);
    }
  });

  async function loadConnection() {
    try {
      const c = await P.api('GET', `${base}/tekmetric/connection`);
      $('tm-client').value = c.clientId;
      $('tm-shop').value = c.shopId ?? '';
      $('tm-env').value = c.environment;
      $('tm-secret').placeholder = c.secretStored ? 'Saved (leave empty to keep)' : '';
      $('tm-status').textContent = `Connected as ${c.clientId}. The secret is stored encrypted and never shown.`;
      $('tm-run').disabled = false;
    } catch (error) {
      if (error.status !== 404) { fail(error); return; }
      $('tm-status').textContent = 'Not connected yet. Enter the client id and secret Tekmetric gave your shop, then Save.';
    }
  }

  $('tm-form').addEventListener('submit', async e => {
    e.preventDefault();
    clear();
    const shop = $('tm-shop').value.trim();
    try {
      await P.api('PUT', `${base}/tekmetric/connection`, {
        environment: $('tm-env').value, clientId: $('tm-client').value.trim(),
        clientSecret: $('tm-secret').value || null, shopId: shop ? Number(shop) : null,
      });
      $('tm-secret').value = '';
      await loadConnection();
    } catch (error) {
      fail(error);
    }
  });

  async function watch(run) {
    const status = P.el('p', 'Starting…', 'mb-0');
    status.id = 'tm-progress';
    result.replaceChildren(status);
    for (;;) {
      const current = await P.api('GET', `${base}/runs/${run.id}`);
      const job = current.job;
      status.textContent = `Tekmetric import: ${current.status}${job ? ` (${job.progress} %${job.message ? `, ${job.message}` : ''})` : ''}`;
      if (!['queued', 'running'].includes(current.status)) return current;
      await new Promise(r => setTimeout(r, 1000));
    }
  }

  $('tm-run').addEventListener('click', async () => {
    clear();
    $('tm-run').disabled = true;
    try {
      const run = await watch(await P.api('POST', `${base}/tekmetric/runs`, {}));
      showRun(run);
      await loadRuns();
    } catch (error) {
      fail(error);
    } finally {
      $('tm-run').disabled = false;
    }
  });

  function showRun(run) {
    const body = P.el('div', null, 'card-body');
    body.append(P.el('h3', `${run.source === 'csv' ? 'CSV file' : 'Tekmetric'} import ${run.status}`, 'h6'));
    if (run.error) body.append(P.el('p', run.error, 'text-danger'));
    if (run.summary) body.append(summaryTable(run.summary, run.source !== 'csv'), issuesList(run.summary.issues, run.summary.issuesLeftOut));
    const card = P.el('div', null, 'card');
    card.append(body);
    result.replaceChildren(card);
  }

  async function loadRuns() {
    const target = $('import-runs');
    try {
      const page = await P.api('GET', `${base}/runs?pageSize=20`);
      if (!page.items.length) {
        target.replaceChildren(P.el('p', 'No imports yet. Check a CSV file or connect Tekmetric above to bring your customers over.', 'text-body-secondary'));
        return;
      }
      const list = P.el('ul', null, 'list-group');
      page.items.forEach(run => {
        const item = P.el('li', null, 'list-group-item d-flex flex-wrap gap-2 align-items-center');
        const s = run.summary;
        const what = s ? `${s.customers.created} new customers, ${s.vehicles.created} new cars${run.source === 'csv' ? '' : `, ${s.repairOrders.created} new repair orders`}` : (run.error || '');
        item.append(P.el('span', P.formatTime(run.createdAt, target.dataset.timeZone), 'text-body-secondary small'),
          P.el('strong', run.source === 'csv' ? `CSV ${run.fileName || ''}` : 'Tekmetric'), P.el('span', run.status, 'badge text-bg-light'), P.el('span', what, 'small me-auto'));
        const open = P.el('button', 'Details', 'btn btn-sm btn-outline-secondary');
        open.type = 'button';
        open.addEventListener('click', () => showRun(run));
        item.append(open);
        list.append(item);
      });
      target.replaceChildren(list);
    } catch (error) {
      fail(error);
    }
  }

  loadConnection();
  loadRuns();
})();
