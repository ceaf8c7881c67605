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
    await Promise.all([loadGrafanaLinks().then(loadSubnets), loadVmSubnets(), loadTraffic()]).catch(() => {});
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
      const hostsCell = cell(tr, '');
      hostsCell.appendChild(button('Hosts', () => loadHosts(s), 'Hosts of ' + s.cidr));
      const subnetLink = grafanaLink('subnet', s.cidr, 'Subnet ' + s.cidr);
      if (subnetLink) hostsCell.append(' ', subnetLink);
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
      const hostLink = grafanaLink('host', h.address, 'Host ' + h.address);
      if (hostLink) li.append(' ', hostLink);
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

  // --- Grafana links (scanflow.web.grafana-url; none when unset) ------------------------------------------
  let grafana = { host: null, subnet: null, traffic: null };

  async function loadGrafanaLinks() {
    grafana = await api('/api/v1/grafana-links');
  }

  /** A link to the shipped Grafana dashboard of a host, subnet or traffic pair, or null without the setting. */
  function grafanaLink(kind, value, name) {
    if (!grafana[kind]) return null;
    const a = document.createElement('a');
    a.href = grafana[kind].replace('{value}', encodeURIComponent(value));
    a.textContent = 'Grafana';
    a.className = 'grafana';
    a.rel = 'noopener noreferrer';
    a.target = '_blank';
    a.setAttribute('aria-label', name + ' in Grafana (opens a new tab)');
    return a;
  }

  // --- New VM: a wizard, then the job's steps and rollback live ----------------------------------------------
  const vmSteps = document.querySelectorAll('#vm-form fieldset');
  let vmStep = 0;
  let vmPoll = null;
  let vmJobId = null;
  let vmSubnets = [];

  async function loadVmSubnets() {
    const subnets = await api('/api/v1/subnets');
    vmSubnets = subnets.items.filter((s) => !String(s.cidr).includes(':')); // VMs go on IPv4 subnets only
    const select = $('vm-subnet');
    const chosen = select.value;
    select.replaceChildren(...vmSubnets.map((s) => {
      const o = document.createElement('option');
      o.value = String(s.subnetId);
      o.textContent = s.cidr + ' (' + s.site + ')';
      return o;
    }));
    if (chosen && vmSubnets.some((s) => String(s.subnetId) === chosen)) select.value = chosen;
    await showFirstFree();
  }

  async function showFirstFree() {
    const out = $('vm-first-free');
    out.replaceChildren();
    if (!$('vm-subnet').value) { out.textContent = 'No subnet to choose from.'; return; }
    try {
      const free = await api('/api/v1/subnets/' + encodeURIComponent($('vm-subnet').value) + '/first-free');
      out.dataset.address = free.address || '';
      out.append(free.address
        ? 'First free address: ' + free.address + (free.gateway ? ' (gateway ' + free.gateway + ')' : ' (no gateway in phpIPAM)')
        : 'This subnet has no free address.');
    } catch (e) {
      out.dataset.address = '';
      out.textContent = e.message;
    }
  }

  $('vm-subnet').addEventListener('change', () => showFirstFree().catch(() => {}));

  function vmRequest() {
    const number = (id) => ($(id).value.trim() === '' ? null : Number($(id).value));
    const body = {
      subnet: Number($('vm-subnet').value), name: $('vm-name').value.trim(), node: $('vm-node').value.trim(),
      template: number('vm-template'), cores: number('vm-cores'), memory: number('vm-memory'),
      sshKeys: $('vm-keys').value.split('\n').map((k) => k.trim()).filter((k) => k)
    };
    if (number('vm-disk') !== null) body.diskGb = number('vm-disk');
    return body;
  }

  /** The browser's own checks of a step's fields (required, min, max), with the first problem said aloud. */
  function stepValid(index) {
    if (index === 0 && !$('vm-first-free').dataset.address) {
      $('vm-error').textContent = 'Choose a subnet with a free address.';
      return false;
    }
    if (index === 3 && vmRequest().sshKeys.length === 0) {
      $('vm-error').textContent = 'Give at least one SSH public key.';
      $('vm-keys').focus();
      return false;
    }
    for (const field of vmSteps[index].querySelectorAll('input, select, textarea')) {
      if (!field.checkValidity()) {
        $('vm-error').textContent = document.querySelector('label[for="' + field.id + '"]').textContent + ': ' + field.validationMessage;
        field.focus();
        return false;
      }
    }
    return true;
  }

  function showVmStep(index) {
    vmStep = index;
    vmSteps.forEach((f, i) => { f.hidden = i !== index; });
    document.querySelectorAll('#vm-steps li').forEach((li, i) => {
      if (i === index) li.setAttribute('aria-current', 'step'); else li.removeAttribute('aria-current');
      li.classList.toggle('done', i < index);
    });
    $('vm-back').disabled = index === 0;
    $('vm-next').hidden = index === vmSteps.length - 1;
    $('vm-create').hidden = index !== vmSteps.length - 1;
    if (index === vmSteps.length - 1) summarise();
    if (index === 0) showFirstFree().catch(() => {});
    const first = vmSteps[index].querySelector('input, select, textarea, button');
    (first || $('vm-create')).focus();
  }

  function summarise() {
    const r = vmRequest();
    const subnet = vmSubnets.find((s) => String(s.subnetId) === String(r.subnet));
    const rows = [['Subnet', subnet ? subnet.cidr + ' (' + subnet.site + ')' : r.subnet],
      ['Address (if still free)', $('vm-first-free').dataset.address], ['Name', r.name], ['Proxmox node', r.node],
      ['Template', r.template], ['Cores', r.cores], ['Memory', r.memory + ' MiB'],
      ['Disk', r.diskGb ? r.diskGb + ' GiB' : "the template's"], ['SSH keys', r.sshKeys.length]];
    $('vm-summary').replaceChildren(...rows.flatMap(([k, v]) => {
      const dt = document.createElement('dt'); dt.textContent = k;
      const dd = document.createElement('dd'); dd.textContent = text(v);
      return [dt, dd];
    }));
  }

  $('vm-next').addEventListener('click', () => {
    $('vm-error').textContent = '';
    if (stepValid(vmStep)) showVmStep(vmStep + 1);
  });
  $('vm-back').addEventListener('click', () => { $('vm-error').textContent = ''; showVmStep(vmStep - 1); });

  $('vm-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    $('vm-error').textContent = '';
    for (let i = 0; i < vmSteps.length - 1; i++) if (!stepValid(i)) { showVmStep(i); return; }
    $('vm-create').disabled = true;
    try {
      const accepted = await api('/api/v1/vms', { body: vmRequest() });
      vmJobId = accepted.jobId;
      $('vm-job').hidden = false;
      $('vm-job-title').textContent = 'VM job ' + accepted.jobId;
      $('vm-job-status').textContent = 'Accepted: ' + accepted.address + ' reserved in ' + accepted.subnet + ', running…';
      $('vm-job-rows').replaceChildren();
      if (vmPoll) clearInterval(vmPoll);
      vmPoll = setInterval(() => loadVmJob().catch(() => {}), 1000);
      await loadVmJob();
      showFirstFree().catch(() => {});
    } catch (e) {
      $('vm-error').textContent = e.message;
    } finally {
      $('vm-create').disabled = false;
    }
  });

  /** GET /api/v1/vms/{jobId}: every step done and undone; polled until the job ends (and on its vm event). */
  async function loadVmJob() {
    if (!vmJobId) return;
    const job = await api('/api/v1/vms/' + vmJobId);
    $('vm-job-rows').replaceChildren(...job.steps.map((s) => {
      const tr = document.createElement('tr');
      tr.className = s.phase === 'undo' ? 'undo' : '';
      cell(tr, s.seq);
      cell(tr, s.step);
      cell(tr, s.phase === 'undo' ? 'rollback' : 'do', 'phase-' + s.phase);
      cell(tr, s.outcome || 'running…', 'outcome-' + (s.outcome || 'running'));
      cell(tr, s.endedAt ? ((new Date(s.endedAt) - new Date(s.startedAt)) / 1000).toFixed(1) + ' s' : '');
      cell(tr, s.detail, 'detail');
      return tr;
    }));
    const said = {
      running: 'Running',
      succeeded: 'Done: VM ' + text(job.vmid) + ' on ' + text(job.node) + ' at ' + job.address,
      failed: 'Failed at ' + text(job.failedStep) + ' and rolled back: ' + text(job.error),
      rollback_failed: 'Failed at ' + text(job.failedStep) + ', and the rollback did not finish (see the steps): ' + text(job.error)
    };
    const status = $('vm-job-status');
    status.textContent = said[job.status] || job.status;
    status.className = 'status-' + job.status;
    const hostLink = job.status === 'succeeded' ? grafanaLink('host', job.address, 'VM ' + job.address) : null;
    if (hostLink) status.append(' ', hostLink);
    if (job.status !== 'running' && vmPoll) {
      clearInterval(vmPoll);
      vmPoll = null;
      showFirstFree().catch(() => {}); // a rollback gave the address back; a made VM took it for good
    }
  }

  // --- Traffic tests: launcher, history with filters, graphs per pair -----------------------------------------
  let trafficPoll = null;

  $('traffic-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    $('traffic-error').textContent = '';
    $('traffic-launched').textContent = '';
    const name = $('traffic-name').value.trim();
    const client = $('traffic-client').value.trim();
    const server = $('traffic-server').value.trim();
    if ((client === '') !== (server === '')) {
      $('traffic-error').textContent = 'A new pair needs both its client and its server host; a defined test needs neither.';
      return;
    }
    const body = client ? { name, client, server, protocol: $('traffic-protocol').value } : { name };
    try {
      const run = await api('/api/v1/traffic-tests', { body });
      showRun(run);
      if (trafficPoll) clearInterval(trafficPoll);
      trafficPoll = setInterval(() => api(run.location).then(showRun).catch(() => {}), 2000);
      loadTraffic().catch(() => {});
    } catch (e) {
      $('traffic-error').textContent = e.message;
    }
  });

  function showRun(run) {
    const id = run.test_id || run.id;
    const out = $('traffic-launched');
    out.dataset.run = id;
    out.dataset.status = run.status;
    out.textContent = 'Run ' + id + ' of ' + (run.name || $('traffic-name').value.trim()) + ': ' + run.status
      + (run.failure ? ' (' + run.failure + ')' : '') + (run.received_bps != null ? ', ' + bps(run.received_bps) + ' received' : '');
    if (run.status !== 'running' && trafficPoll) {
      clearInterval(trafficPoll);
      trafficPoll = null;
      loadTraffic().catch(() => {});
    }
  }

  const bps = (v) => (v == null ? '' : v >= 1e9 ? (v / 1e9).toFixed(2) + ' Gbit/s' : v >= 1e6 ? (v / 1e6).toFixed(1) + ' Mbit/s'
    : (v / 1e3).toFixed(1) + ' kbit/s');
  const fixed = (v, unit, digits) => (v == null ? '' : Number(v).toFixed(digits) + unit);

  async function loadTraffic() {
    const params = new URLSearchParams({ limit: '100' });
    if ($('traffic-filter-name').value.trim()) params.set('name', $('traffic-filter-name').value.trim());
    if ($('traffic-filter-status').value) params.set('status', $('traffic-filter-status').value);
    const runs = (await api('/api/v1/traffic-tests?' + params)).items;
    $('traffic-rows').replaceChildren(...runs.map((r) => {
      const tr = document.createElement('tr');
      tr.dataset.run = r.test_id;
      cell(tr, when(r.requested_at));
      cell(tr, r.name);
      cell(tr, r.protocol);
      cell(tr, r.status, 'traffic-' + r.status);
      cell(tr, bps(r.received_bps));
      cell(tr, fixed(r.lost_percent, ' %', 2));
      cell(tr, fixed(r.jitter_ms, ' ms', 3));
      cell(tr, r.retransmits);
      cell(tr, r.requested_by);
      const link = grafanaLink('traffic', r.name, 'Traffic test ' + r.name);
      const td = cell(tr, '');
      if (link) td.appendChild(link);
      return tr;
    }));
    const names = [...new Set(runs.map((r) => r.name))].sort();
    const known = new Set([...$('traffic-names').options].map((o) => o.value));
    names.filter((n) => !known.has(n)).forEach((n) => { const o = document.createElement('option'); o.value = n; $('traffic-names').appendChild(o); });
    drawGraphs(runs);
  }

  $('traffic-filter').addEventListener('submit', (event) => { event.preventDefault(); loadTraffic().catch((e) => { $('traffic-error').textContent = e.message; }); });

  const SVG = 'http://www.w3.org/2000/svg';
  const svg = (tag, attributes) => {
    const node = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attributes || {})) node.setAttribute(k, String(v));
    return node;
  };

  /** Per pair, its measured runs over time: throughput, loss and jitter, each a small line chart in SVG. */
  function drawGraphs(runs) {
    const measured = runs.filter((r) => r.received_bps != null && (r.finished_at || r.requested_at));
    const byPair = new Map();
    for (const r of measured) {
      if (!byPair.has(r.name)) byPair.set(r.name, []);
      byPair.get(r.name).push(r);
    }
    const figures = [['received_bps', 'Throughput', bps], ['lost_percent', 'Loss', (v) => fixed(v, ' %', 2)],
      ['jitter_ms', 'Jitter', (v) => fixed(v, ' ms', 3)]];
    $('traffic-graphs').replaceChildren(...[...byPair.entries()].sort().map(([pair, list]) => {
      const points = list.map((r) => ({ t: new Date(r.finished_at || r.requested_at).getTime(), r })).sort((a, b) => a.t - b.t);
      const figure = document.createElement('figure');
      figure.className = 'pair';
      figure.dataset.pair = pair;
      const caption = document.createElement('figcaption');
      caption.textContent = pair + ' · ' + points.length + ' measured run' + (points.length === 1 ? '' : 's') + ' ';
      const link = grafanaLink('traffic', pair, 'Traffic test ' + pair);
      if (link) caption.appendChild(link);
      figure.appendChild(caption);
      for (const [key, title, format] of figures) {
        const values = points.filter((p) => p.r[key] != null).map((p) => ({ t: p.t, v: Number(p.r[key]) }));
        if (values.length) figure.appendChild(chart(pair, title, values, format));
      }
      return figure;
    }));
  }

  function chart(pair, title, values, format) {
    const width = 320; const height = 120; const left = 8; const right = 8; const top = 22; const bottom = 18;
    const t0 = values[0].t; const t1 = values[values.length - 1].t;
    const max = Math.max(...values.map((p) => p.v)) || 1;
    const x = (t) => left + (t1 === t0 ? (width - left - right) / 2 : ((t - t0) / (t1 - t0)) * (width - left - right));
    const y = (v) => top + (1 - v / max) * (height - top - bottom);
    const last = values[values.length - 1];
    const label = title + ' of ' + pair + ': ' + values.length + ' runs, latest ' + format(last.v) + ', highest ' + format(max);
    const root = svg('svg', { viewBox: '0 0 ' + width + ' ' + height, role: 'img', 'aria-label': label, class: 'chart', 'data-figure': title });
    const t = svg('title'); t.textContent = label; root.appendChild(t);
    const heading = svg('text', { x: left, y: 14, class: 'chart-title' }); heading.textContent = title + ' · latest ' + format(last.v); root.appendChild(heading);
    root.appendChild(svg('line', { x1: left, y1: height - bottom, x2: width - right, y2: height - bottom, class: 'axis' }));
    const from = svg('text', { x: left, y: height - 4, class: 'tick' }); from.textContent = new Date(t0).toLocaleDateString(); root.appendChild(from);
    const to = svg('text', { x: width - right, y: height - 4, class: 'tick', 'text-anchor': 'end' }); to.textContent = new Date(t1).toLocaleString(); root.appendChild(to);
    root.appendChild(svg('polyline', { points: values.map((p) => x(p.t).toFixed(1) + ',' + y(p.v).toFixed(1)).join(' '), class: 'line' }));
    for (const p of values) {
      const dot = svg('circle', { cx: x(p.t).toFixed(1), cy: y(p.v).toFixed(1), r: 3, class: 'dot' });
      const tip = svg('title'); tip.textContent = new Date(p.t).toLocaleString() + ': ' + format(p.v); dot.appendChild(tip);
      root.appendChild(dot);
    }
    return root;
  }

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
      } else if (event.kind === 'vm') {
        if (event.detail && event.detail.jobId === vmJobId) loadVmJob().catch(() => {});
      } else if (event.kind === 'traffic') {
        loadTraffic().catch(() => {});
      }
    });
  }

  // a reload keeps the session: the cookie is still there, the CSRF token is asked for again
  fetch('/web/session', { credentials: 'same-origin' }).then(async (response) => {
    if (response.ok) { ({ csrf, role } = await response.json()); showMain(); } else { showLogin(); }
  }).catch(showLogin);
})();
