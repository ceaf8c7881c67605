// The dashboard in a real browser: Debian's headless Chromium driven by playwright-core (no browser download).
// Started by WebDashboardIT with SCANFLOW_URL, SCANFLOW_TOKEN, SCANFLOW_SUBNET, SCANFLOW_ENROLLING and SCREENSHOTS set; exits non-zero on
// the first failed step. Every view is saved as a screenshot (build artifacts, target/screenshots/).
import { chromium } from 'playwright-core';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';

const url = process.env.SCANFLOW_URL;
const token = process.env.SCANFLOW_TOKEN;
const subnet = process.env.SCANFLOW_SUBNET;
const shots = process.env.SCREENSHOTS;
const step = (name) => console.log('dashboard: ' + name);

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-dev-shm-usage'],
});
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, acceptDownloads: true });
  const page = await context.newPage();
  const requested = [];
  page.on('request', (request) => requested.push(request.url()));

  step('log in');
  await page.goto(url + '/');
  await page.getByLabel('Operator token').fill(token);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('tab', { name: 'Fleet' }).waitFor();
  const cookies = await context.cookies();
  const session = cookies.find((c) => c.name === 'scanflow_session');
  assert.ok(session, 'a session cookie');
  assert.equal(session.httpOnly, true, 'HttpOnly');
  assert.equal(session.sameSite, 'Strict', 'SameSite=Strict');
  assert.equal(await page.evaluate(() => document.cookie), '', 'the page cannot read the session');

  step('the agent is online');
  await page.locator('#fleet-rows tr', { hasText: 'online' }).first().waitFor({ timeout: 30000 });
  await page.screenshot({ path: shots + '/fleet.png', fullPage: true });

  step('approve the agent waiting to enrol, from the keyboard');
  const enrolling = process.env.SCANFLOW_ENROLLING;
  const waiting = page.locator('#enrolment-rows tr', { hasText: enrolling });
  await waiting.waitFor();
  assert.ok(await page.locator('#enrolments-none').isHidden(), 'no "nobody waits" while one waits');
  await page.screenshot({ path: shots + '/fleet-enrolment.png', fullPage: true });
  const approve = waiting.getByRole('button', { name: 'Approve agent ' + enrolling });
  assert.ok(await waiting.getByRole('button', { name: 'Reject agent ' + enrolling }).isVisible(), 'a labelled Reject beside it');
  await approve.focus();
  await page.keyboard.press('Enter');
  await waiting.waitFor({ state: 'detached' });
  await page.locator('#enrolments-none').waitFor({ state: 'visible' });
  assert.equal(await page.locator('#enrolment-error').innerText(), '', 'no error shown');

  step('scan now, watch the progress reach done');
  await page.getByRole('tab', { name: 'Scan now' }).click();
  await page.getByLabel('Subnet', { exact: true }).selectOption(subnet);
  await page.getByRole('button', { name: 'Scan now' }).click();
  const job = page.locator('#job-rows tr').first();
  await job.locator('.status-queued, .status-running, .status-done').first().waitFor();
  await job.locator('.status-done').waitFor({ timeout: 90000 });
  assert.match(await job.innerText(), /100%/);
  assert.equal(await page.locator('#job-rows tr').count(), 1, 'one row per job, however its events and answers interleave');
  await page.screenshot({ path: shots + '/scan-now.png', fullPage: true });

  step('the changes appear without a reload');
  await page.getByRole('tab', { name: 'Changes' }).click();
  await page.locator('#change-list li', { hasText: 'HOST_NEW' }).first().waitFor({ timeout: 30000 });
  await page.screenshot({ path: shots + '/changes.png', fullPage: true });

  step('acknowledge an alert');
  await page.getByRole('tab', { name: 'Alerts' }).click();
  const alert = page.locator('#alert-rows tr', { hasText: 'open' }).first();
  await alert.waitFor({ timeout: 30000 });
  const alertId = await alert.getAttribute('data-alert');
  await alert.getByRole('button', { name: 'Acknowledge alert ' + alertId }).click();
  await page.locator('#alert-rows tr[data-alert="' + alertId + '"]', { hasText: 'acknowledged' }).waitFor();
  await page.screenshot({ path: shots + '/alerts.png', fullPage: true });

  step('the scan\'s delta, side by side, exported');
  await page.getByRole('tab', { name: 'Scan now' }).click();
  await page.locator('#job-rows tr').first().getByRole('button', { name: /^Delta of the scan/ }).click();
  await page.locator('#delta-panel').waitFor({ state: 'visible' });
  await page.locator('#delta-after li').first().waitFor();
  await page.screenshot({ path: shots + '/delta.png', fullPage: true });
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Export CSV' }).click()]);
  const csv = await readFile(await download.path(), 'utf8');
  assert.match(csv, /HOST_NEW/, 'the CSV export has the scan\'s changes');

  step('on a phone');
  await page.setViewportSize({ width: 390, height: 844 });
  await page.getByRole('tab', { name: 'Fleet' }).click();
  await page.screenshot({ path: shots + '/fleet-phone.png', fullPage: true });

  step('keyboard only: Tab reaches the tabs and Enter opens one');
  await page.keyboard.press('Tab');
  let reached = false;
  for (let i = 0; i < 10 && !reached; i++) {
    reached = await page.evaluate(() => document.activeElement && document.activeElement.dataset.view === 'subnets');
    if (!reached) await page.keyboard.press('Tab');
  }
  assert.ok(reached, 'Tab reaches the Subnets tab');
  await page.keyboard.press('Enter');
  await page.locator('#subnets').waitFor({ state: 'visible' });
  // each subnet shows its phpIPAM VLAN; the test subnet has none and says so, and the VLAN filter keeps it under "No VLAN"
  await page.locator('#subnet-rows tr', { hasText: subnet }).waitFor();
  assert.ok((await page.locator('#subnet-rows tr', { hasText: subnet }).innerText()).includes('no VLAN'), 'a subnet without a VLAN says so');
  await page.getByLabel('VLAN', { exact: true }).selectOption('none');
  await page.locator('#subnet-rows tr', { hasText: subnet }).waitFor();
  await page.screenshot({ path: shots + '/subnets-vlan.png', fullPage: true });
  step('subnets show their VLAN and filter by it');

  assert.ok(requested.every((u) => u.startsWith(url)), 'nothing fetched from elsewhere: ' + requested.filter((u) => !u.startsWith(url)));
  assert.ok(requested.every((u) => !u.includes(token)), 'the token is in no URL');
  step('all good');
} finally {
  await browser.close();
}
