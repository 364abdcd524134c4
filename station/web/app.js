// wipeproof station dashboard: plain JavaScript, no external code (works offline, no CDN).
// Data comes from /api/v1 with the session cookie set at sign-in; live updates from
// /api/v1/events (server-sent events). Text is always set with textContent, never as HTML.
'use strict';

const state = { me: null, bays: [], source: null };
const $ = (id) => document.getElementById(id);

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(e.dataset, v);
    else e.setAttribute(k, v);
  }
  for (const c of children) if (c !== null && c !== undefined) e.append(c instanceof Node ? c : String(c));
  return e;
}

async function api(path, options = {}) {
  const res = await fetch('/api/v1' + path, { credentials: 'same-origin', ...options,
    headers: { 'Content-Type': 'application/json', ...(options.headers || {}) } });
  if (res.status === 401 && path !== '/login') { showLogin(); throw new Error('signed out'); }
  const body = res.headers.get('Content-Type')?.includes('json') ? await res.json() : await res.text();
  if (!res.ok) throw new Error(body.reason || res.statusText);
  return body;
}

function size(bytes) {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0, v = bytes;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return `${v.toFixed(i ? 1 : 0)} ${units[i]}`;
}

function show(view) {
  for (const v of ['login-view', 'bays-view', 'certificates-view', 'custody-view']) $(v).hidden = v !== view;
  $('nav').hidden = view === 'login-view';
}

function showLogin() {
  if (state.source) { state.source.close(); state.source = null; }
  state.me = null;
  show('login-view');
}

function route() {
  if (!state.me) return showLogin();
  if (location.hash === '#certificates') { show('certificates-view'); searchCertificates(); }
  else if (location.hash === '#custody') { show('custody-view'); loadCustody(); }
  else { show('bays-view'); loadBays(); }
}

$('login-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  $('login-error').textContent = '';
  try {
    const me = await api('/login', { method: 'POST', body: JSON.stringify({
      user: $('login-user').value, password: $('login-password').value, totp: $('login-totp').value }) });
    $('login-password').value = ''; $('login-totp').value = '';
    await signedIn(me);
  } catch (e) { $('login-error').textContent = e.message; }
});

$('logout').addEventListener('click', async () => { await api('/logout', { method: 'POST' }).catch(() => {}); showLogin(); });
window.addEventListener('hashchange', route);

async function signedIn(me) {
  state.me = me;
  $('whoami').textContent = `${me.user} (${me.role})`;
  connectEvents();
  route();
}

function connectEvents() {
  if (state.source) state.source.close();
  const es = new EventSource('/api/v1/events');
  state.source = es;
  es.onopen = () => { $('live').textContent = '● live'; };
  es.onerror = () => { $('live').textContent = '○ reconnecting'; };
  es.addEventListener('job_progress', (m) => {
    const d = JSON.parse(m.data);
    const bay = state.bays.find((b) => b.job && b.job.id === d.id);
    if (bay) { bay.job.progress = d.progress; renderBays(); } else loadBays();
  });
  for (const type of ['drive_added', 'drive_removed', 'job_started', 'job_finished', 'reload'])
    es.addEventListener(type, () => loadBays());
}

async function loadBays() {
  if (!state.me) return;
  const body = await api('/bays');
  state.bays = body.bays;
  renderBays();
}

const canOperate = () => state.me && (state.me.role === 'operator' || state.me.role === 'admin');

function jobView(job) {
  const p = job.progress || {};
  const finished = job.status !== 'running';
  const percent = p.percent || 0;
  // Width through the CSSOM: the page's Content-Security-Policy forbids style attributes.
  const bar = el('div');
  bar.style.width = `${percent}%`;
  const parts = [
    el('div', { class: 'job-line' }, job.request?.level ? `level ${job.request.level}` : `method ${job.request?.method || ''}`,
       ' · ', el('span', { class: 'status' }, job.status),
       // A job the station's stop interrupted and its restart resumed from the journal.
       job.resumed ? el('span', { class: 'resumed', title: (job.history || []).map((h) => `${h.event} ${h.at}`).join('\n') },
                        ' · interrupted → resumed') : ''),
    el('div', { class: 'progress', role: 'progressbar', 'aria-valuenow': percent, 'aria-valuemin': 0, 'aria-valuemax': 100 },
       bar),
    el('div', { class: 'phase', dataset: { percent: String(percent) } },
       `${p.phase || ''}${p.steps ? ` ${p.step}/${p.steps}` : ''} ${percent} %`),
  ];
  if (finished && job.outcome)
    parts.push(el('div', { class: `outcome outcome-${job.outcome}` }, job.outcome.replaceAll('_', ' ')));
  else if (finished)
    parts.push(el('div', { class: `outcome outcome-${job.status}` }, job.status,
                  job.resume_error ? `: could not resume: ${job.resume_error}` : job.error ? `: ${job.error}` : ''));
  if (job.certificate)
    parts.push(el('div', { class: 'links' }, 'certificate: ',
      el('a', { href: `/api/v1/certificates/${job.certificate}.pdf`, class: 'certificate-link', target: '_blank' }, 'PDF'), ' · ',
      el('a', { href: `/api/v1/certificates/${job.certificate}.json`, class: 'certificate-json', target: '_blank' }, 'JSON'), ' · ',
      el('a', { href: `/api/v1/certificates/${job.certificate}.p7s` }, 'signature')));
  return parts;
}

function controls(bay) {
  if (!canOperate() || !bay.drive) return null;
  const job = bay.job;
  if (job && job.status === 'running')
    return el('div', { class: 'controls' }, el('button', { class: 'abort', onclick: () => abortJob(job.id) }, 'Abort'));
  if (bay.drive.in_use) return null;
  const choice = el('select', { class: 'choice' },
    el('option', { value: 'level:purge' }, 'purge (strongest the drive supports)'),
    el('option', { value: 'level:clear' }, 'clear'),
    el('option', { value: 'method:random' }, 'overwrite: random'),
    el('option', { value: 'method:zero' }, 'overwrite: zero'),
    el('option', { value: 'method:dod3' }, 'overwrite: dod3'));
  if (bay.policy === 'manual' && bay.level) choice.value = `level:${bay.level}`;
  const confirm = el('input', { class: 'confirm', placeholder: `type ${bay.drive.confirm} to confirm` });
  const start = el('button', { class: 'start', onclick: () => startJob(bay, choice.value, confirm.value) }, 'Wipe');
  return el('div', { class: 'controls' }, choice, confirm, start);
}

function renderBays() {
  const grid = $('bays');
  grid.replaceChildren(...state.bays.map((bay) => {
    const d = bay.drive;
    const card = el('article', { class: 'bay', dataset: { bay: bay.name || 'unassigned', device: d ? d.path : '' } },
      el('h3', {}, bay.name || 'unassigned', el('span', { class: 'badge' }, bay.name ? bay.policy : 'no bay')));
    if (!d) card.append(el('div', { class: 'empty' }, 'empty'));
    else {
      card.append(el('div', { class: 'identity' }, `${d.model || d.bus} · ${d.serial || d.name}`),
                  el('div', { class: 'identity' }, `${d.path} · ${size(d.size_bytes)} · ${d.bus}`));
      if (d.in_use) card.append(el('div', { class: 'in-use' }, `in use: ${d.in_use}`));
    }
    if (bay.job && d) card.append(...jobView(bay.job));
    const c = controls(bay);
    if (c) card.append(c);
    return card;
  }));
}

async function startJob(bay, choice, confirm) {
  const [kind, value] = choice.split(':');
  try {
    await api('/jobs', { method: 'POST', body: JSON.stringify({ device: bay.drive.path, [kind]: value, confirm,
      operator: state.me.user }) });
    await loadBays();
  } catch (e) { alert(`Not started: ${e.message}`); }
}

async function abortJob(id) {
  if (!confirm('Abort this wipe? The drive will not be sanitized.')) return;
  try { await api(`/jobs/${id}`, { method: 'DELETE' }); } catch (e) { alert(e.message); }
}

$('search-form').addEventListener('submit', (ev) => { ev.preventDefault(); searchCertificates(); });

async function searchCertificates() {
  const q = new URLSearchParams();
  for (const k of ['serial', 'result', 'operator', 'from', 'to']) { const v = $(`search-${k}`).value; if (v) q.set(k, v); }
  $('export-csv').href = `/api/v1/export.csv?${q}`;
  $('export-json').href = `/api/v1/export.json?${q}`;
  const body = await api(`/certificates?${q}`);
  $('certificates').tBodies[0].replaceChildren(...body.certificates.map((c) => el('tr', {},
    el('td', {}, c.issued_at), el('td', {}, c.serial), el('td', {}, c.model),
    el('td', { class: `outcome-${c.result}` }, c.result), el('td', {}, c.level), el('td', {}, c.method),
    el('td', {}, c.operator),
    el('td', {}, el('a', { href: `/api/v1/certificates/${c.id}.pdf`, target: '_blank' }, 'PDF'), ' ',
      el('a', { href: `/api/v1/certificates/${c.id}.json`, target: '_blank' }, 'JSON'), ' ',
      el('a', { href: `/api/v1/certificates/${c.id}.p7s` }, 'p7s')))));
  $('certificates-count').textContent = `${body.count} certificate(s)`;
}

$('custody-state').addEventListener('change', () => loadCustody());

async function loadCustody() {
  const body = await api(`/custody?state=${$('custody-state').value}`);
  $('custody').tBodies[0].replaceChildren(...body.drives.map((d) => el('tr', { class: d.gaps.length ? 'gap' : '' },
    el('td', {}, d.state === 'queued_for_destruction' && canOperate()
      ? el('input', { type: 'checkbox', class: 'pick', value: d.custody_id }) : ''),
    el('td', {}, d.custody_id), el('td', {}, d.serial), el('td', {}, d.model),
    el('td', {}, d.identity_source === 'typed' ? 'typed, not read' : 'read'),
    el('td', {}, d.state.replaceAll('_', ' ')), el('td', {}, String(d.events.length)),
    el('td', { class: d.gaps.length ? 'error' : '' }, d.gaps.join('; ') || 'none'))));
  $('custody-chain').textContent = body.chain_problems.length ? `event chain: ${body.chain_problems.join('; ')}` : '';
  $('handover').hidden = !canOperate();
}

$('handover').addEventListener('click', async () => {
  const drives = [...document.querySelectorAll('#custody input.pick:checked')].map((c) => c.value);
  try {
    const r = await api('/custody/handover', { method: 'POST', body: JSON.stringify({ contractor: $('handover-contractor').value, drives }) });
    $('handover-result').replaceChildren(`batch ${r.batch}: `, el('a', { href: r.manifest, target: '_blank', id: 'manifest-link' }, 'manifest (PDF)'));
    await loadCustody();
  } catch (e) { $('handover-result').textContent = `Not handed over: ${e.message}`; }
});

api('/me').then(signedIn).catch(() => showLogin());
