// ScanFlow's dashboard: plain JavaScript, no build step, nothing from elsewhere. The session is a cookie the page
// cannot read (HttpOnly); the page keeps only the CSRF token it sends with every POST. Live updates come from
// the event stream (/api/v1/events): the browser's EventSource resumes after a drop with Last-Event-ID.
'use strict';
(() => {
  const $ = (id) => document.getElementById(id);
  let csrf = null;
  // the session's role (viewer, operator, admin): buttons the role may not use are not shown; the server refuses
  // them anyway (403)
  let role = 'viewer';
  const ROLES = ['viewer', 'operator', 'admin'];
  const may = (needed) => ROLES.indexOf(role) >= ROLES.indexOf(needed);
  let stream = null;

  const text = (value) => (value === null || value === undefined ? '' : String(value));
  const when = (iso) => (iso ? new Date(iso).toLocaleString() : '');
  const cell = (row, value, cls) => {
    const td = document.createElement('td');
    td.textContent = text(value);
    if (cls) td.className = cls;
    row.appendChild(td);
    return td;
  };
  const button = (label, onClick, name) => {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = label;
    if (name) b.setAttribute('aria-label', name);
    b.addEventListener('click', onClick);
    return b;
  };

  async function api(path, options = {}) {
    const init = { credentials: 'same-origin', headers: {} };
    if (options.body !== undefined) {
      init.method = 'POST';
      init.headers['Content-Type'] = 'application/json';
      init.headers['X-CSRF-Token'] = csrf;
      init.body = JSON.stringify(options.body);
    }
    const response = await fetch(path, init);
    if (response.status === 401) { showLogin(); throw new Error('logged out'); }
    const body = response.status === 204 ? null
      : (response.headers.get('Content-Type') || '').startsWith('application/json') ? await response.json() : await response.text();
    if (!response.ok) throw new Error((body && body.message) || response.statusText);
    return body;
  }

  // --- login ---------------------------------------------------------------------------------------------
  function showLogin() {
    $('login-view').hidden = false;
    $('main').hidden = true;
    $('logout').hidden = true;
    if (stream) { stream.close(); stream = null; }
    $('live').textContent = 'offline';
  }

  async function showMain() {
    $('login-view').hidden = true;
    $('main').hidden = false;
    $('logout').hidden = false;
    $('scan-form').hidden = !may('operator');
    connect();
    await Promise.all([loadFleet(), loadEnrolments(), loadSubnets(), loadChanges(), loadAlerts(), loadJobs()]).catch(() => {});
  }

  $('login-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    $('login-error').textContent = '';
    const response = await fetch('/web/login', {
      method: 'POST', credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ token: $('token').value })
    });
    $('token').value = '';
    if (!response.ok) {
      $('login-error').textContent = (await response.json()).message;
      return;
    }
    ({ csrf, role } = await response.json());
    showMain();
  });

  $('logout').addEventListener('click', async () => {
    await fetch('/web/logout', { method: 'POST', credentials: 'same-origin', headers: { 'X-CSRF-Token': csrf || '' } });
    csrf = null;
    showLogin();
  });

  // --- views ---------------------------------------------------------------------------------------------
  document.querySelectorAll('[role="tab"]').forEach((tab) => tab.addEventListener('click', () => {
    document.querySelectorAll('[role="tab"]').forEach((t) => t.setAttribute('aria-selected', String(t === tab)));
    document.querySelectorAll('.view').forEach((v) => { v.hidden = v.id !== tab.dataset.view; });
  }));

  async function loadFleet() {
    const fleet = await api('/api/v1/fleet');
    const rows = $('fleet-rows');
    rows.replaceChildren();
    for (const agent of fleet.items) {
      const tr = document.createElement('tr');
      tr.dataset.agent = agent.code;
      cell(tr, agent.code);
      cell(tr, agent.status, 'state-' + agent.status);
      cell(tr, when(agent.statusSince));
      cell(tr, agent.version);
      cell(tr, (agent.subnets || []).join(', '));
      cell(tr, agent.backlog);
      cell(tr, when(agent.lastDelivery));
      cell(tr, agent.lastError);
      rows.appendChild(tr);
    }
    fillScanSubnets(fleet.items);
  }

  async function loadEnrolments() {
    const pending = await api('/api/v1/fleet/enrolments?status=pending');
    const items = [...pending.items].reverse();
    $('enrolment-rows').replaceChildren(...items.map((e) => {
      const tr = document.createElement('tr');
      tr.dataset.enrolment = e.id;
      cell(tr, e.agent);
      cell(tr, when(e.requestedAt));
      cell(tr, e.id, 'id');
      const actions = cell(tr, '');
      if (may('admin')) actions.appendChild(button('Approve', () => decide(e.id, 'approve'), 'Approve agent ' + e.agent));
      if (may('admin')) actions.appendChild(button('Reject', () => decide(e.id, 'reject'), 'Reject agent ' + e.agent));
      return tr;
    }));
    $('enrolments-table').hidden = items.length === 0;
    $('enrolments-none').hidden = items.length > 0;
  }

  async function decide(enrolmentId, action) {
    $('enrolment-error').textContent = '';
    try {
      await api('/api/v1/fleet/enrolments/' + enrolmentId + '/' + action, { body: { by: 'dashboard' } });
    } catch (e) {
      $('enrolment-error').textContent = e.message;
    }
    await loadEnrolments();
  }

  function fillScanSubnets(agents) {
    const select = $('scan-subnet');
    const chosen = select.value;
    const subnets = [...new Set(agents.flatMap((a) => a.subnets || []))].sort();
    select.replaceChildren(...subnets.map((s) => { const o = document.createElement('option'); o.textContent = s; return o; }));
    if (subnets.includes(chosen)) select.value = chosen;
  }

  // phpIPAM's VLAN of each subnet; a number chosen in the filter is asked of the API (vlan=<number>),
  // "No VLAN" keeps the subnets whose vlan is null; the choices grow from every VLAN seen unfiltered
  const vlanText = (vlan) => (vlan ? vlan.number + (vlan.name ? ' (' + vlan.name + ')' : '') : 'no VLAN');
  function addVlanChoices(items) {
    const select = $('subnet-vlan');
    const known = new Set([...select.options].map((o) => o.value));
    for (const vlan of items.map((s) => s.vlan).filter(Boolean).sort((a, b) => a.number - b.number)) {
      if (known.has(String(vlan.number))) continue;
      known.add(String(vlan.number));
      const option = document.createElement('option');
      option.value = String(vlan.number);
      option.textContent = vlanText(vlan);
      select.appendChild(option);
    }
  }

  async function loadSubnets() {
    const chosen = $('subnet-vlan').value;
    const subnets = await api('/api/v1/subnets' + (/^[0-9]+$/.test(chosen) ? '?vlan=' + chosen : ''));
    if (!/^[0-9]+$/.test(chosen)) addVlanChoices(subnets.items);
    const rows = $('subnet-rows');
    rows.replaceChildren();
    for (const s of subnets.items.filter((item) => chosen !== 'none' || !item.vlan)) {
      const tr = document.createElement('tr');
      cell(tr, s.site);
      cell(tr, s.cidr);
      cell(tr, vlanText(s.vlan));
      cell(tr, s.hostsUp);
      cell(tr, s.openPorts);
      cell(tr, s.activeAlerts);
      cell(tr, when(s.lastScanStart));
      cell(tr, '').appendChild(button('Hosts', () => loadHosts(s), 'Hosts of ' + s.cidr));
      rows.appendChild(tr);
    }
  }

  $('subnet-vlan').addEventListener('change', () => { loadSubnets().catch(() => {}); });

  async function loadHosts(subnet) {
    const hosts = await api('/api/v1/subnets/' + subnet.subnetId + '/hosts?site=' + encodeURIComponent(subnet.site));
    $('hosts-panel').hidden = false;
    $('hosts-title').textContent = 'Hosts of ' + subnet.cidr;
    $('host-list').replaceChildren(...hosts.items.map((h) => {
      const li = document.createElement('li');
      li.appendChild(button(h.address + ' (' + h.status + ', ' + h.openPorts + ' open ports)', () => loadHost(subnet, h.address)));
      return li;
    }));
  }

  async function loadHost(subnet, address) {
    const history = await api('/api/v1/subnets/' + subnet.subnetId + '/hosts/' + encodeURIComponent(address)
      + '?site=' + encodeURIComponent(subnet.site));
    $('host-panel').hidden = false;
    $('host-title').textContent = 'History of ' + address;
    $('host-history').textContent = JSON.stringify(history, null, 2);
  }

  async function loadChanges() {
    const params = new URLSearchParams({ order: 'newest', limit: '100' });
    if ($('change-type').value) params.set('type', $('change-type').value);
    if ($('change-from').value) params.set('from', new Date($('change-from').value).toISOString());
    const changes = await api('/api/v1/changes?' + params);
    $('change-list').replaceChildren(...changes.items.map(changeItem));
  }

  function changeItem(c) {
    const li = document.createElement('li');
    const change = c.change || c.detail || {};
    li.dataset.scan = text(c.scanId);
    li.appendChild(document.createTextNode(when(c.observedAt || c.time) + ' · ' + text(change.type || c.type) + ' · '
      + text(change.address || c.address) + (change.port ? ':' + change.port + '/' + text(change.protocol) : '') + ' · ' + text(c.site) + ' '));
    if (c.scanId) li.appendChild(button('Delta', () => loadDelta(c.scanId), 'Delta of scan ' + c.scanId));
    return li;
  }

  $('changes-filter').addEventListener('submit', (event) => { event.preventDefault(); loadChanges(); });

  async function loadDelta(scanId) {
    const delta = await api('/api/v1/scans/' + scanId + '/delta');
    const ndiff = await api('/api/v1/scans/' + scanId + '/delta?format=text');
    $('delta-panel').hidden = false;
    $('delta-title').textContent = 'Delta of ' + delta.cidr + ' (scan ' + scanId + ')';
    $('delta-csv').href = '/api/v1/scans/' + scanId + '/delta?format=csv';
    $('delta-text').href = '/api/v1/scans/' + scanId + '/delta?format=text';
    const before = [];
    const after = [];
    for (const change of delta.changes) {
      const was = Object.entries(change).filter(([k]) => /^(old|previous|from)/i.test(k));
      const is = Object.entries(change).filter(([k]) => !/^(old|previous|from)/i.test(k));
      const item = (pairs) => { const li = document.createElement('li'); li.textContent = pairs.map(([k, v]) => k + ': ' + text(typeof v === 'object' && v ? JSON.stringify(v) : v)).join(', ') || '—'; return li; };
      before.push(item(was));
      after.push(item(is));
    }
    $('delta-before').replaceChildren(...before);
    $('delta-after').replaceChildren(...after);
    $('delta-ndiff').textContent = ndiff;
  }

  async function loadAlerts() {
    const [open, acknowledged] = await Promise.all([api('/api/v1/alerts?status=open'), api('/api/v1/alerts?status=acknowledged')]);
    const rows = $('alert-rows');
    rows.replaceChildren();
    for (const a of [...open.items, ...acknowledged.items]) {
      const tr = document.createElement('tr');
      tr.dataset.alert = a.id;
      cell(tr, a.severity, 'sev-' + a.severity);
      cell(tr, a.status);
      cell(tr, a.message);
      cell(tr, a.site || (a.pair ? 'traffic test ' + a.pair : '')); // a traffic alert belongs to a test, not a site
      cell(tr, when(a.lastEventAt));
      const actions = cell(tr, '');
      if (a.status === 'open' && may('operator')) actions.appendChild(button('Acknowledge', () => step(a.id, 'acknowledge'), 'Acknowledge alert ' + a.id));
      if (may('operator')) actions.appendChild(button('Resolve', () => step(a.id, 'resolve'), 'Resolve alert ' + a.id));
      rows.appendChild(tr);
    }
  }

  async function step(alertId, action) {
    await api('/api/v1/alerts/' + alertId + '/' + action, { body: { by: 'dashboard' } });
    await loadAlerts();
  }

  async function loadJobs() {
    const jobs = await api('/api/v1/scan-jobs?limit=20');
    $('job-rows').replaceChildren(...jobs.items.map(jobRow));
  }

  function jobRow(job) {
    const tr = document.createElement('tr');
    tr.id = 'job-' + job.id;
    cell(tr, job.subnet);
    cell(tr, job.profile);
    cell(tr, job.agent);
    cell(tr, job.status, 'status-' + job.status);
    const progress = document.createElement('progress');
    progress.max = 100;
    progress.value = Number(job.progress) || 0;
    progress.setAttribute('aria-label', 'Progress of the scan of ' + job.subnet);
    const td = cell(tr, '');
    td.appendChild(progress);
    td.appendChild(document.createTextNode(' ' + Math.round(Number(job.progress) || 0) + '%'));
    const actions = cell(tr, '');
    if (job.status === 'queued' || job.status === 'running') {
      if (may('operator')) actions.appendChild(button('Cancel', () => api('/api/v1/scan-jobs/' + job.id + '/cancel', { body: {} }).then(loadJobs), 'Cancel the scan of ' + job.subnet));
    }
    if (job.status === 'done' && job.reportId) {
      actions.appendChild(button('Delta', () => { selectView('changes'); loadDelta(job.reportId); }, 'Delta of the scan of ' + job.subnet));
    }
    return tr;
  }

  function selectView(name) {
    document.querySelector('[role="tab"][data-view="' + name + '"]').click();
  }

  $('scan-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    $('scan-error').textContent = '';
    const body = { subnet: $('scan-subnet').value, profile: $('scan-profile').value, by: 'dashboard' };
    if ($('scan-ports').value.trim()) body.ports = $('scan-ports').value.trim();
    try {
      const job = await api('/api/v1/scan-jobs', { body });
      // the stream may have shown it already (its QUEUED event can come before this answer)
      if (!$('job-' + job.id)) $('job-rows').prepend(jobRow(job));
    } catch (e) {
      $('scan-error').textContent = e.message;
    }
  });

  // --- live ----------------------------------------------------------------------------------------------
  function connect() {
    if (stream) return;
    stream = new EventSource('/api/v1/events');
    stream.onopen = () => { $('live').textContent = 'live'; };
    stream.onerror = () => { $('live').textContent = 'reconnecting…'; };
    stream.addEventListener('scanflow', (message) => {
      const event = JSON.parse(message.data);
      if (event.kind === 'job') {
        const row = jobRow(event.detail);
        const existing = $('job-' + event.detail.id);
        if (existing) existing.replaceWith(row); else $('job-rows').prepend(row);
      } else if (event.kind === 'fleet') {
        loadFleet().catch(() => {});
        if (String(event.type).startsWith('ENROLMENT_')) loadEnrolments().catch(() => {});
      } else if (event.kind === 'change') {
        $('change-list').prepend(changeItem({ scanId: event.scanId, observedAt: event.time, site: event.site, change: event.detail }));
        loadSubnets().catch(() => {});
      } else if (event.kind === 'alert') {
        loadAlerts().catch(() => {});
      }
    });
  }

  // a reload keeps the session: the cookie is still there, the CSRF token is asked for again
  fetch('/web/session', { credentials: 'same-origin' }).then(async (response) => {
    if (response.ok) { ({ csrf, role } = await response.json()); showMain(); } else { showLogin(); }
  }).catch(showLogin);
})();
