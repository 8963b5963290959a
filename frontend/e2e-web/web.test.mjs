// The web app as a user of it: dist/web in Chromium, the Go core in a worker
// with IndexedDB, against the fake API. See harness.mjs.
import { test as nodeTest, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch, openWeb as open, replyDone, send, shot, startFake } from './harness.mjs';

// Every page a test opens is photographed when the test fails.
async function openWeb(...args) {
  const r = await open(...args);
  pages.add(r.page);
  return r;
}

let browser, app, refusing;
const pages = new Set();

before(async () => {
  browser = await launch();
  app = await startFake({ serveWeb: true });
  refusing = await startFake(); // no CORS: the browser refuses its replies
});
after(async () => {
  await browser?.close();
  app?.close();
  refusing?.close();
});

// A failing test leaves a screenshot of each page it had open.
function test(name, fn) {
  nodeTest(name, async (t) => {
    try {
      await fn(t);
    } catch (e) {
      let i = 0;
      for (const p of pages) {
        if (!p.isClosed()) await shot(p, `failed-${name.slice(0, 30).replace(/\W+/g, '-')}-${i++}`).catch(() => {});
      }
      throw e;
    } finally {
      pages.clear();
    }
  });
}

const pane = (page) => page.getByRole('main', { name: 'Conversation' });

test('a reply streams token by token, stops, regenerates, and an edit is kept across a reload', async () => {
  const { page, context, errors } = await openWeb(browser, app.url);
  await page.getByText(/This server \(127\.0\.0\.1:\d+\)/).first().waitFor();

  // Watch the reply's text at every paint while it is written.
  const lengths = page.evaluate(
    () =>
      new Promise((resolve) => {
        const seen = [];
        const t0 = performance.now();
        const tick = () => {
          const a = [...document.querySelectorAll('main article[aria-label="Assistant"]')].at(-1);
          const n = a?.textContent?.length ?? 0;
          if (seen.at(-1) !== n) seen.push(n);
          if (performance.now() - t0 > 6000 || a?.querySelector('button[aria-label="Regenerate"], button:is([title="Regenerate"])') || (a && /Regenerate/.test(a.textContent ?? '') && seen.length > 3)) resolve(seen);
          else requestAnimationFrame(tick);
        };
        requestAnimationFrame(tick);
      }),
  );
  await send(page, 'Tell me about streaming');
  const seen = await lengths;
  assert.ok(seen.length >= 5, `the reply should grow over several paints, saw lengths ${seen}`);
  await replyDone(page);
  await shot(page, 'web-reply-light');

  // Stop a long reply part way: the part written is kept.
  await send(page, '/long');
  await pane(page).getByRole('article', { name: 'Assistant' }).last().getByText('Paragraph 2.').waitFor();
  await page.getByRole('button', { name: 'Stop' }).click();
  const stopped = pane(page).getByRole('article', { name: 'Assistant' }).last();
  await stopped.getByText('Stopped').waitFor();
  assert.equal(await stopped.getByText('Paragraph 60.').count(), 0, 'the reply went on after Stop');

  // Regenerate: a second alternative.
  await stopped.getByRole('button', { name: 'Regenerate' }).click();
  await pane(page).getByRole('article', { name: 'Assistant' }).last().getByText('Paragraph 2.').waitFor();
  await page.getByRole('button', { name: 'Stop' }).click();
  await pane(page).getByRole('article', { name: 'Assistant' }).last().getByText('2/2').waitFor();

  // Edit the first prompt: its reply is written again.
  await pane(page).getByRole('article', { name: 'You' }).first().getByRole('button', { name: 'Edit' }).click();
  await page.getByLabel('Edited message').fill('/echo kept across reloads');
  await page.getByRole('button', { name: 'Send edit' }).click();
  await pane(page).getByRole('article', { name: 'Assistant' }).last().getByText('kept across reloads').waitFor();
  await replyDone(page);

  // Reload: the conversation is still there, as it was.
  await page.reload();
  await page.getByRole('main', { name: 'Conversation' }).waitFor();
  await page.getByRole('navigation', { name: 'Conversations' }).getByRole('button', { name: /^A small example/ }).click();
  await pane(page).getByRole('article', { name: 'You' }).getByText('/echo kept across reloads').waitFor();
  await pane(page).getByRole('article', { name: 'Assistant' }).getByText('kept across reloads').waitFor();
  assert.deepEqual(errors, []);
  await context.close();
});

test('search finds a conversation; export downloads it; import brings a file back', async () => {
  const { page, context, errors } = await openWeb(browser, app.url);
  await send(page, '/echo the quick brown fox jumps');
  await replyDone(page);
  const nav = page.getByRole('navigation', { name: 'Conversations' });
  await nav.getByLabel('Search conversations').fill('brown fox');
  await nav.locator('mark', { hasText: 'brown' }).first().waitFor();
  await nav.getByLabel('Search conversations').fill('');

  // Export: the browser downloads the file.
  await page.getByRole('button', { name: 'Conversation actions' }).click();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('menuitem', { name: 'Murmur JSON (backup)' }).click()]);
  const file = join(tmpdir(), `murmur-web-${process.pid}.json`);
  await download.saveAs(file);
  const exported = JSON.parse(await readFile(file, 'utf8'));
  assert.ok(JSON.stringify(exported).includes('the quick brown fox jumps'), 'the export holds the conversation');
  await page.getByText(/Saved to your browser's downloads/).waitFor();

  // HTML export: rendered, and it can run nothing.
  await page.getByRole('button', { name: 'Conversation actions' }).click();
  const [html] = await Promise.all([page.waitForEvent('download'), page.getByRole('menuitem', { name: 'HTML' }).click()]);
  const htmlFile = join(tmpdir(), `murmur-web-${process.pid}.html`);
  await html.saveAs(htmlFile);
  const text = await readFile(htmlFile, 'utf8');
  assert.match(text, /Content-Security-Policy/);
  assert.match(text, /the quick brown fox jumps/);
  assert.doesNotMatch(text, /<script/i);

  // Import a ChatGPT-style Murmur file into a fresh profile.
  const other = await openWeb(browser, app.url);
  exported.title = 'Imported from a file';
  await writeFile(file, JSON.stringify(exported));
  await other.page.getByRole('button', { name: 'More' }).click();
  const [chooser] = await Promise.all([other.page.waitForEvent('filechooser'), other.page.getByRole('menuitem', { name: 'Import conversations…' }).click()]);
  await chooser.setFiles(file);
  await other.page.getByText(/1 conversation imported/).waitFor();
  await other.page.getByRole('navigation', { name: 'Conversations' }).getByRole('button', { name: /^Imported from a file/ }).waitFor();
  await pane(other.page).getByText('the quick brown fox jumps').first().waitFor();
  assert.deepEqual([...errors, ...other.errors], []);
  await other.context.close();
  await context.close();
});

test('an endpoint that refuses this origin is told in words (CORS)', async () => {
  const { page, context } = await openWeb(browser, app.url, { theme: 'dark' });
  await page.getByRole('button', { name: 'Settings' }).click();
  const dialog = page.getByRole('dialog', { name: 'Settings' });
  await dialog.getByRole('button', { name: 'Add provider' }).click();
  await dialog.getByLabel('Name').fill('Elsewhere');
  await dialog.getByLabel('Base URL').fill(`${refusing.url}/v1`);
  await dialog.getByLabel('Authentication').selectOption('none');
  await dialog.getByRole('button', { name: 'Fetch models' }).click();
  await dialog.getByText(/does not accept requests from this page \(http:\/\/127\.0\.0\.1:\d+\): the browser blocked its reply \(CORS\)/).waitFor();
  await dialog.getByText(/--allow-origin/).waitFor();
  await shot(page, 'web-cors-dark');
  await context.close();
});

test('a link in a reply opens in a new tab after a confirmation, with no handle on the app and no referrer', async () => {
  const { page, context } = await openWeb(browser, app.url);
  await context.route('https://example.com/**', (r) => r.fulfill({ contentType: 'text/html', body: '<title>landed</title>' }));
  await send(page, '/echo Read [the guide](https://example.com/guide?x=1) first.');
  const reply = await replyDone(page);
  const asked = [];
  page.on('dialog', (d) => {
    asked.push(d.message());
    d.accept();
  });
  const opened = context.waitForEvent('page');
  await reply.getByRole('link', { name: 'the guide' }).click();
  const tab = await opened;
  await tab.waitForURL('https://example.com/guide?x=1');
  assert.match(asked.join('\n'), /https:\/\/example\.com\/guide\?x=1/, 'the full address was shown before opening');
  assert.deepEqual(await tab.evaluate(() => [window.opener, document.referrer]), [null, '']);
  await context.close();
});

test('a full quota shows an error, keeps the reply on screen and loses nothing saved', async () => {
  const fast = await startFake({ serveWeb: true, rate: 400 });
  after(() => fast.close());
  // How much a profile with one short conversation uses…
  const probe = await openWeb(browser, fast.url);
  await send(probe.page, '/echo saved before the disk filled');
  await replyDone(probe.page);
  const usage = await probe.page.evaluate(async () => (await navigator.storage.estimate()).usage ?? 0);
  await probe.context.close();

  // …then a profile whose quota leaves little more than that. Chromium
  // takes a quota override only for an origin that has stored nothing yet.
  const context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
  const blank = await context.newPage();
  const cdp = await context.newCDPSession(blank);
  await cdp.send('Storage.overrideQuotaForOrigin', { origin: fast.url, quotaSize: usage + 10_000 });
  const { page } = await openWeb(browser, fast.url, { context });
  await send(page, '/echo saved before the disk filled');
  await replyDone(page);
  await send(page, '/long');
  await page.getByText(/storage for this site is full/).first().waitFor({ timeout: 40_000 });
  const reply = pane(page).getByRole('article', { name: 'Assistant' }).last();
  assert.ok((await reply.textContent()).includes('Paragraph 1.'), 'the reply written so far stays on screen');
  await shot(page, 'web-quota');

  await cdp.send('Storage.overrideQuotaForOrigin', { origin: fast.url });
  await page.reload();
  await page.getByRole('main', { name: 'Conversation' }).waitFor();
  const nav = page.getByRole('navigation', { name: 'Conversations' });
  await nav.getByLabel('Search conversations').fill('disk filled');
  await nav.locator('mark', { hasText: 'disk' }).first().waitFor();
  await context.close();
});

test('a second tab says Murmur is open elsewhere, and can take over', async () => {
  const first = await openWeb(browser, app.url);
  await send(first.page, '/echo written in the first tab');
  await replyDone(first.page);
  const second = await first.context.newPage();
  await second.goto(app.url);
  const notice = second.getByRole('alertdialog', { name: 'Murmur is open in another tab' });
  await notice.waitFor();
  await shot(second, 'web-second-tab');
  await notice.getByRole('button', { name: 'Use Murmur in this tab' }).click();
  await second.getByRole('main', { name: 'Conversation' }).waitFor();
  await second.getByRole('alertdialog').waitFor({ state: 'detached' });
  await second.getByRole('navigation', { name: 'Conversations' }).getByText(/written in the first tab/).first().waitFor();
  await first.page.getByRole('alertdialog', { name: 'Murmur is open in another tab' }).waitFor();
  await first.context.close();
});

test('settings in a browser: where data lives, and keys are remembered only after a warning', async () => {
  const { page, context } = await openWeb(browser, app.url, { width: 420, height: 800 });
  await page.keyboard.press('Control+,');
  const dialog = page.getByRole('dialog', { name: 'Settings' });
  await dialog.getByRole('tab', { name: 'This browser' }).click();
  await dialog.getByLabel('Storage used').getByText(/ of /).waitFor();
  const remember = dialog.getByLabel('Remember keys on this device');
  await remember.click();
  await dialog.getByText(/unencrypted/).first().waitFor();
  assert.equal(await remember.isChecked(), false, 'nothing is remembered before the warning is accepted');
  await shot(page, 'web-settings-narrow');
  await dialog.getByRole('button', { name: 'Remember keys here' }).click();
  await dialog.getByText(/Keys are stored in this browser's storage, unencrypted/).waitFor();
  assert.equal(await remember.isChecked(), true);
  await context.close();
});
