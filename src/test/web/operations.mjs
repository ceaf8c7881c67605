// The page's VM wizard, traffic tests and Grafana links in a real browser: Debian's headless Chromium driven by
// playwright-core. Started by VmTrafficPageIT with SCANFLOW_URL, SCANFLOW_TOKEN, SCANFLOW_KEY, SCANFLOW_TEMPLATE and
// SCREENSHOTS set; exits non-zero on the first failed step. Views are saved as screenshots (target/screenshots/).
import { chromium } from 'playwright-core';
import assert from 'node:assert/strict';

const url = process.env.SCANFLOW_URL;
const token = process.env.SCANFLOW_TOKEN;
const shots = process.env.SCREENSHOTS;
const step = (name) => console.log('operations: ' + name);

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-dev-shm-usage'],
});
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const requested = [];
  page.on('request', (request) => requested.push(request.method() + ' ' + request.url()));
  page.on('pageerror', (error) => { console.log('page error: ' + error.message); process.exitCode = 1; });

  step('log in');
  await page.goto(url + '/');
  await page.getByLabel('Operator token').fill(token);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('tab', { name: 'New VM' }).waitFor();

  step('the subnet step shows the first free address');
  await page.getByRole('tab', { name: 'New VM' }).click();
  const subnet = page.getByLabel('phpIPAM subnet');
  await subnet.waitFor();
  assert.match(await subnet.locator('option').first().innerText(), /^198\.51\.100\.0\/28 \(site-page\)$/);
  const free = page.locator('#vm-first-free');
  await page.waitForFunction(() => /First free address/.test(document.getElementById('vm-first-free').textContent));
  assert.equal(await free.innerText(), 'First free address: 198.51.100.3 (gateway 198.51.100.1)', 'not .1 (gateway) nor .2 (has a row)');
  assert.equal(await page.locator('#vm-steps li[aria-current="step"]').innerText(), 'Subnet');
  const oneStepShown = async (legend) => {
    const shown = await page.locator('#vm-form fieldset').evaluateAll((f) => f.filter((x) => x.offsetParent !== null).map((x) => x.querySelector('legend').textContent));
    assert.deepEqual(shown, [legend], 'one step shown at a time');
  };
  await oneStepShown('Subnet');

  step('next refuses an empty step, naming the field');
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByRole('button', { name: 'Next' }).click();
  assert.match(await page.locator('#vm-error').innerText(), /^VM name/);
  assert.equal(await page.evaluate(() => document.activeElement.id), 'vm-name', 'the field in question has the focus');

  async function wizard(name) {
    await page.getByLabel('VM name (also its phpIPAM hostname)').fill(name);
    await page.getByLabel('Proxmox node').fill('pve1');
    await page.getByLabel('Template VM id').fill(process.env.SCANFLOW_TEMPLATE);
    await page.getByRole('button', { name: 'Next' }).click();
    assert.equal(await page.locator('#vm-steps li[aria-current="step"]').innerText(), 'Size');
    await oneStepShown('Size');
    await page.getByLabel('CPU cores').fill('2');
    await page.getByLabel('Memory (MiB)').fill('2048');
    await page.getByLabel("Disk (GiB, empty keeps the template's)").fill('8');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByLabel('OpenSSH public keys, one per line').fill(process.env.SCANFLOW_KEY + '\n');
    // the keyboard works the wizard too: Tab to Next, Enter
    await page.getByLabel('OpenSSH public keys, one per line').focus();
    let onNext = false;
    for (let i = 0; i < 5 && !onNext; i++) {
      await page.keyboard.press('Tab');
      onNext = await page.evaluate(() => document.activeElement.id === 'vm-next');
    }
    assert.ok(onNext, 'Tab reaches Next');
    await page.keyboard.press('Enter');
    assert.equal(await page.locator('#vm-steps li[aria-current="step"]').innerText(), 'Confirm');
    await oneStepShown('Confirm');
    const summary = await page.locator('#vm-summary').innerText();
    for (const expected of ['198.51.100.0/28', '198.51.100.3', name, 'pve1', '2048 MiB', '8 GiB']) {
      assert.ok(summary.includes(expected), 'the summary has ' + expected + ': ' + summary);
    }
  }

  step('the wizard, step by step');
  await wizard('page-vm-01');
  await page.screenshot({ path: shots + '/vm-wizard.png', fullPage: true });

  step('create: the start fails, and the rollback shows step by step');
  await page.getByRole('button', { name: 'Create VM' }).click();
  const status = page.locator('#vm-job-status');
  await page.locator('#vm-job-status.status-failed').waitFor({ timeout: 60000 });
  assert.match(await status.innerText(), /^Failed at start and rolled back: /);
  const undone = await page.locator('#vm-job-rows tr.undo').allInnerTexts();
  assert.ok(undone.length >= 2, 'undo steps shown: ' + undone);
  assert.ok(undone.some((row) => /rollback/.test(row) && /ok/.test(row)), undone.join('\n'));
  assert.ok(await page.locator('#vm-job-rows td.outcome-failed', { hasText: 'failed' }).count() >= 1, 'the failed step is shown');
  await page.screenshot({ path: shots + '/vm-rollback.png', fullPage: true });

  step('the address is free again, and a second VM is made on it');
  await page.getByRole('button', { name: 'Back' }).click();
  for (let i = 0; i < 3; i++) await page.getByRole('button', { name: 'Back' }).click();
  await page.waitForFunction(() => document.getElementById('vm-first-free').textContent.includes('198.51.100.3'));
  await page.getByRole('button', { name: 'Next' }).click();
  await wizard('page-vm-02');
  await page.getByRole('button', { name: 'Create VM' }).click();
  await page.locator('#vm-job-status.status-succeeded').waitFor({ timeout: 60000 });
  assert.match(await status.innerText(), /^Done: VM [0-9]+ on pve1 at 198\.51\.100\.3 Grafana$/);
  assert.equal(await status.getByRole('link', { name: 'VM 198.51.100.3 in Grafana (opens a new tab)' }).getAttribute('href'),
    'https://grafana.example.org/d/scanflow-host/scanflow-host?var-address=198.51.100.3');
  const steps = await page.locator('#vm-job-rows tr').allInnerTexts();
  assert.ok(steps.length >= 4 && steps.every((row) => /\bok\b/.test(row)), steps.join('\n'));
  assert.equal(await page.locator('#vm-job-rows tr.undo').count(), 0, 'nothing undone');
  await page.waitForFunction(() => document.getElementById('vm-first-free').textContent.includes('198.51.100.4'));
  await page.screenshot({ path: shots + '/vm-created.png', fullPage: true });

  step('traffic history: rows, filters and a graph per pair');
  await page.getByRole('tab', { name: 'Traffic tests' }).click();
  await page.locator('#traffic-rows tr').first().waitFor();
  assert.equal(await page.locator('#traffic-rows tr').count(), 25);
  const pairs = await page.locator('#traffic-graphs figure').evaluateAll((f) => f.map((x) => x.dataset.pair));
  assert.deepEqual(pairs, ['east-to-west', 'east-to-west-udp']);
  const tcp = page.locator('figure[data-pair="east-to-west"]');
  assert.equal(await tcp.locator('svg[data-figure="Throughput"] circle').count(), 12, 'one point per measured run');
  assert.equal(await tcp.locator('svg[data-figure="Loss"]').count(), 0, 'TCP measures no loss');
  const udp = page.locator('figure[data-pair="east-to-west-udp"]');
  for (const figure of ['Throughput', 'Loss', 'Jitter']) {
    const chart = udp.locator('svg[data-figure="' + figure + '"]');
    assert.equal(await chart.locator('circle').count(), 12, figure);
    assert.match(await chart.getAttribute('aria-label'), new RegExp('^' + figure + ' of east-to-west-udp: 12 runs, latest '));
  }
  // the breached run is the dip: the lowest point of the line
  const ys = await tcp.locator('svg[data-figure="Throughput"] circle').evaluateAll((c) => c.map((x) => Number(x.getAttribute('cy'))));
  assert.equal(ys.indexOf(Math.max(...ys)), 8, 'the breached run (4 h ago) is the lowest point: ' + ys);
  const grafana = tcp.getByRole('link', { name: 'Traffic test east-to-west in Grafana (opens a new tab)' });
  assert.equal(await grafana.getAttribute('href'), 'https://grafana.example.org/d/scanflow-traffic/scanflow-traffic?var-pair=east-to-west');
  await page.getByLabel('Status').selectOption('breached');
  await page.getByRole('button', { name: 'Filter' }).click();
  await page.waitForFunction(() => document.querySelectorAll('#traffic-rows tr').length === 1);
  assert.match(await page.locator('#traffic-rows tr').innerText(), /east-to-west\ttcp\tbreached\t210\.0 Mbit\/s/);
  await page.getByLabel('Status').selectOption('');
  await page.getByLabel('Test', { exact: true }).fill('east-to-west-udp');
  await page.getByRole('button', { name: 'Filter' }).click();
  await page.waitForFunction(() => document.querySelectorAll('#traffic-rows tr').length === 12);
  await page.getByLabel('Test', { exact: true }).fill('');
  await page.getByRole('button', { name: 'Filter' }).click();
  await page.waitForFunction(() => document.querySelectorAll('#traffic-rows tr').length === 25);

  step('launch a defined test: 202, then its status until it ends');
  await page.getByLabel('Test (a name of traffic-tests.yaml, or a new pair\'s name)').fill('east-to-west');
  const [posted] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/api/v1/traffic-tests') && r.request().method() === 'POST'),
    page.getByRole('button', { name: 'Run test' }).click()]);
  assert.equal(posted.status(), 202);
  assert.deepEqual(JSON.parse(posted.request().postData()), { name: 'east-to-west' });
  const launched = page.locator('#traffic-launched');
  await page.waitForFunction(() => /^Run [0-9a-f-]{36} of east-to-west: /.test(document.getElementById('traffic-launched').textContent));
  await page.locator('#traffic-launched[data-status="failed"]').waitFor({ timeout: 60000 });
  assert.match(await launched.innerText(), /: failed \(/, 'nothing listens on 127.0.0.5:22: the run fails, and says why');
  await page.waitForFunction(() => document.querySelectorAll('#traffic-rows tr').length === 26);
  assert.match(await page.locator('#traffic-rows tr').first().innerText(), /east-to-west\ttcp\tfailed/);
  await page.screenshot({ path: shots + '/traffic.png', fullPage: true });

  step('a new pair needs both hosts; an unknown host is the API\'s clear 400');
  await page.getByLabel('Client host (only for a new pair)').fill('east');
  await page.getByRole('button', { name: 'Run test' }).click();
  assert.match(await page.locator('#traffic-error').innerText(), /needs both its client and its server/);
  await page.getByLabel('Server host (only for a new pair)').fill('nowhere');
  await page.getByRole('button', { name: 'Run test' }).click();
  await page.waitForFunction(() => /nowhere|server/.test(document.getElementById('traffic-error').textContent)
    && !/needs both/.test(document.getElementById('traffic-error').textContent));
  await page.getByLabel('Client host (only for a new pair)').fill('');
  await page.getByLabel('Server host (only for a new pair)').fill('');

  step('Grafana links from a subnet');
  await page.getByRole('tab', { name: 'Subnets' }).click();
  const subnetLink = page.getByRole('link', { name: 'Subnet 198.51.100.0/28 in Grafana (opens a new tab)' });
  assert.equal(await subnetLink.getAttribute('href'), 'https://grafana.example.org/d/scanflow-subnet/scanflow-subnet?var-subnet=198.51.100.0%2F28');

  step('on a phone');
  await page.setViewportSize({ width: 390, height: 844 });
  await page.getByRole('tab', { name: 'Traffic tests' }).click();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, 'no sideways scrolling of the page on a phone: ' + overflow + 'px');
  await page.screenshot({ path: shots + '/traffic-phone.png', fullPage: true });
  await page.getByRole('tab', { name: 'New VM' }).click();
  await page.screenshot({ path: shots + '/vm-wizard-phone.png', fullPage: true });

  assert.ok(requested.every((r) => r.split(' ')[1].startsWith(url)), 'nothing fetched from elsewhere: ' + requested.filter((r) => !r.split(' ')[1].startsWith(url)));
  assert.ok(requested.every((r) => !r.includes(token)), 'the token is in no URL');
  if (process.exitCode) throw new Error('the page threw errors (above)');
  step('all good');
} finally {
  await browser.close();
}
