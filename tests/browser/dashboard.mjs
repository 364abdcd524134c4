// A real browser against the station dashboard: Debian's chromium, headless, driven by
// playwright-core. Signs in with password + TOTP, starts a wipe on a loop device from its bay
// card, waits for the progress bar to reach 100 % and the outcome, opens the certificate link,
// and saves a screenshot as the test artifact.
// usage: node dashboard.mjs URL USER PASSWORD TOTP_SECRET DEVICE CONFIRM SCREENSHOT
import { createHmac } from 'node:crypto';
import { chromium } from 'playwright-core';

const [url, user, password, secret, device, confirmText, screenshot] = process.argv.slice(2);

function base32(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0, value = 0;
  const out = [];
  for (const c of text.replace(/=+$/, '')) {
    value = (value << 5) | alphabet.indexOf(c);
    bits += 5;
    if (bits >= 8) { out.push((value >>> (bits - 8)) & 255); bits -= 8; }
  }
  return Buffer.from(out);
}

function totp(offset = 0) {  // RFC 6238, SHA-1, 30 s, 6 digits
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 1000 / 30) + offset));
  const mac = createHmac('sha1', base32(secret)).update(counter).digest();
  const o = mac[mac.length - 1] & 15;
  return String((mac.readUInt32BE(o) & 0x7fffffff) % 1000000).padStart(6, '0');
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
         '--disable-component-update', '--disable-sync'],
});
let failed = false;
const page = await (await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1280, height: 800 } })).newPage();
const problems = [];
page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
// Expected 401s: the start-up session check and the deliberately wrong code. Anything else counts.
page.on('console', (m) => {
  if (m.type() === 'error' && !m.text().includes('status of 401')) problems.push(`console: ${m.text()}`);
});
try {
  await page.goto(url);
  await page.waitForSelector('#login-view:not([hidden])');
  // A wrong code first: refused, with the message shown.
  await page.fill('#login-user', user);
  await page.fill('#login-password', password);
  await page.fill('#login-totp', totp(5));
  await page.click('#login-submit');
  await page.waitForFunction(() => document.querySelector('#login-error').textContent.includes('sign-in failed'));
  await page.fill('#login-password', password);
  await page.fill('#login-totp', totp());
  await page.click('#login-submit');
  await page.waitForSelector('#bays-view:not([hidden])');
  await page.waitForFunction(() => document.querySelector('#live').textContent.includes('live'));
  const card = page.locator(`article.bay[data-device="${device}"]`);
  await card.waitFor();
  await card.locator('select.choice').selectOption('method:random');
  await card.locator('input.confirm').fill(confirmText);
  await card.locator('button.start').click();
  // Progress arrives over server-sent events; the bar must reach 100 % and the outcome show.
  await card.locator('.phase[data-percent="100"]').waitFor({ timeout: 120000 });
  await card.locator('.outcome-erased').waitFor({ timeout: 120000 });
  await card.locator('a.certificate-json').waitFor();
  await page.screenshot({ path: screenshot, fullPage: true });
  const [popup] = await Promise.all([page.waitForEvent('popup'), card.locator('a.certificate-json').click()]);
  await popup.waitForLoadState();
  const text = await popup.textContent('body');
  const cert = JSON.parse(text);
  if (cert.media?.path !== device && !JSON.stringify(cert).includes(device)) throw new Error('certificate does not name the device');
  if (!JSON.stringify(cert).includes('"erased"')) throw new Error('certificate does not say erased');
  // The search page finds it.
  await page.click('#nav-certificates');
  await page.waitForSelector('#certificates tbody tr');
  console.log(`ok: ${await page.textContent('#certificates-count')}; screenshot ${screenshot}`);
} catch (e) {
  failed = true;
  console.error(`FAIL: ${e.message}`);
  await page.screenshot({ path: screenshot, fullPage: true }).catch(() => {});
}
if (problems.length) { failed = true; console.error(problems.join('\n')); }
await browser.close();
process.exit(failed ? 1 : 0);
