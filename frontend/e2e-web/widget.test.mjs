// <murmur-chat> on a host page of one origin, talking to `murmur serve` (the
// headless server build) on another, which proxies the fake API.
import { test as nodeTest, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hostPage, launch, root, shot, startFake, startServe } from './harness.mjs';

let browser, upstream, host, stranger, strict, serve;
const example = readFileSync(join(root, 'examples', 'embed', 'index.html'), 'utf8');

before(async () => {
  browser = await launch();
  upstream = await startFake({ rate: 60 });
  host = await hostPage(() => example.replaceAll('MURMUR', serve.url));
  stranger = await hostPage(() => example.replaceAll('MURMUR', serve.url));
  // The Content-Security-Policy the README tells hosts to use, without
  // 'unsafe-inline' styles (so the example's own style block goes).
  strict = await hostPage(() =>
    example
      .replace(/<style>[\s\S]*?<\/style>/, '')
      .replace('<meta charset="utf-8" />', `<meta charset="utf-8" /><meta http-equiv="Content-Security-Policy" content="default-src 'self'; style-src 'self'; script-src ${serve.url} 'wasm-unsafe-eval'; worker-src blob:; connect-src ${serve.url}">`)
      .replaceAll('MURMUR', serve.url),
  );
  serve = await startServe(upstream.url, ['--allow-origin', host.url, '--allow-origin', strict.url, '--models', 'fake-model']);
});
after(async () => {
  await browser?.close();
  for (const s of [serve, host, stranger, strict, upstream]) s?.close();
});

function test(name, fn) {
  nodeTest(name, async () => {
    const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
    const errors = [];
    context.on('page', (p) => p.on('pageerror', (e) => errors.push(e)));
    try {
      await fn(context, errors);
    } catch (e) {
      for (const [i, p] of context.pages().entries()) await shot(p, `failed-widget-${name.slice(0, 24).replace(/\W+/g, '-')}-${i}`).catch(() => {});
      throw e;
    } finally {
      await context.close();
    }
  });
}

const docs = (page) => page.locator('murmur-chat#docs');
const support = (page) => page.locator('murmur-chat#support');

test('two widgets share one core, stream, stop, and keep their own conversations across a reload', async (context, errors) => {
  const page = await context.newPage();
  const events = [];
  await page.exposeFunction('murmurEvent', (e) => events.push(e));
  await page.addInitScript(() => {
    for (const n of ['murmur-ready', 'murmur-message', 'murmur-error']) {
      document.addEventListener(n, (e) => window.murmurEvent({ type: n, id: e.target.id, detail: e.detail }));
    }
  });
  await page.goto(host.url);
  const box = docs(page).getByLabel('Message');
  await box.fill('/echo Streaming works in the widget');
  await box.press('Enter');
  const reply = docs(page).locator('.line.assistant').last();
  await reply.getByText('Streaming works in the widget').waitFor();
  await docs(page).getByRole('button', { name: 'Send' }).waitFor();
  assert.ok(events.some((e) => e.type === 'murmur-ready' && e.id === 'docs'), 'murmur-ready fired');
  await page.waitForFunction(() => true);
  assert.ok(events.some((e) => e.type === 'murmur-message' && e.id === 'docs' && /Streaming works in the widget/.test(e.detail.text)), 'murmur-message carries the reply');

  // Stop a long reply.
  await box.fill('/long');
  await box.press('Enter');
  await docs(page).getByText('Paragraph 2.').waitFor();
  await docs(page).getByRole('button', { name: 'Stop' }).click();
  await docs(page).getByText('Stopped.').waitFor();
  await shot(page, 'widget-inline');

  // The launcher's widget has a conversation of its own.
  await support(page).getByRole('button', { name: 'Open Support' }).click();
  await support(page).getByLabel('Message').fill('/echo only in support');
  await support(page).getByLabel('Message').press('Enter');
  await support(page).getByText('only in support').last().waitFor();
  assert.equal(await docs(page).getByText('only in support').count(), 0);
  const workers = page.workers().filter((w) => !w.url().includes('format'));
  assert.equal(workers.length, 1, `one core for the page, saw workers ${workers.map((w) => w.url())}`);

  await page.reload();
  await docs(page).getByText('/echo Streaming works in the widget').waitFor();
  assert.equal(await docs(page).getByText('only in support').count(), 0);
  await support(page).getByRole('button', { name: 'Open Support' }).click();
  await support(page).getByText('only in support').last().waitFor();
  assert.deepEqual(errors, []);
});

test('the host cannot restyle the widget, and the widget does not restyle the host', async (context) => {
  const page = await context.newPage();
  await page.goto(host.url);
  await docs(page).getByText('Ask anything.').waitFor();
  const before = await docs(page).getByRole('button', { name: 'Send' }).evaluate((b) => {
    const s = getComputedStyle(b);
    return { color: s.color, size: s.fontSize };
  });
  await page.addStyleTag({ content: '* { color: red !important; font-size: 40px !important }' });
  const afterRule = await docs(page).getByRole('button', { name: 'Send' }).evaluate((b) => {
    const s = getComputedStyle(b);
    return { color: s.color, size: s.fontSize };
  });
  assert.deepEqual(afterRule, before);
  const text = await docs(page).getByText('Ask anything.').evaluate((p) => getComputedStyle(p).fontSize);
  assert.notEqual(text, '40px');
  await page.addStyleTag({ content: '* { color: revert !important; font-size: revert !important }' });

  // Elements of the host named like the widget's own keep the host's look.
  const look = await page.evaluate(() => {
    const probe = document.createElement('div');
    probe.innerHTML = '<div class="chat"><p class="line user">x</p><button class="primary">y</button><div class="md"><pre>z</pre></div></div>';
    document.body.append(probe);
    const b = getComputedStyle(probe.querySelector('button'));
    const line = getComputedStyle(probe.querySelector('.line'));
    return { bg: b.backgroundColor, radius: line.borderTopLeftRadius, sheets: document.styleSheets.length };
  });
  assert.notEqual(look.bg, 'rgb(70, 84, 214)', 'the widget accent reached a host button');
  assert.equal(look.radius, '0px');
  assert.equal(look.sheets, 3, 'the widget added no style sheet to the host document (the page has 1 and the test 2)');
});

test('the launcher works with the keyboard alone: open, type, send, stay inside, Esc closes', async (context) => {
  const page = await context.newPage();
  await page.goto(host.url);
  await support(page).getByRole('button', { name: 'Open Support' }).focus();
  await page.keyboard.press('Enter');
  const box = support(page).getByLabel('Message');
  await page.waitForFunction(() => document.querySelector('murmur-chat#support').shadowRoot.activeElement?.getAttribute('aria-label') === 'Message');
  await page.keyboard.type('/echo typed with keys');
  await page.keyboard.press('Enter');
  await support(page).getByText('typed with keys').last().waitFor();
  for (let i = 0; i < 8; i++) await page.keyboard.press('Tab');
  const inside = await page.evaluate(() => document.activeElement?.id);
  assert.equal(inside, 'support', 'focus left the open panel');
  await shot(page, 'widget-launcher-open');
  await page.keyboard.press('Escape');
  await support(page).getByRole('dialog').waitFor({ state: 'hidden' });
  const back = await page.evaluate(() => document.querySelector('murmur-chat#support').shadowRoot.activeElement?.className);
  assert.equal(back, 'launcher', 'focus went back to the launcher');
  assert.equal(await box.isVisible(), false);
});

test('an origin the server does not allow gets a readable error in the widget', async (context) => {
  const page = await context.newPage();
  const consoleErrors = [];
  page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
  await page.goto(stranger.url);
  // widget.js itself comes without CORS headers for this origin, so the
  // module does not even load: the browser says so, and nothing runs.
  await page.waitForTimeout(1500);
  const defined = await page.evaluate(() => !!customElements.get('murmur-chat'));
  assert.equal(defined, false);
  assert.ok(consoleErrors.some((t) => /CORS|blocked/i.test(t)), `console: ${consoleErrors}`);
});

test('a key in an attribute is refused, with the way to do it instead', async (context) => {
  const page = await context.newPage();
  const consoleErrors = [];
  page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
  await page.goto(host.url);
  await page.evaluate(() => {
    const el = document.createElement('murmur-chat');
    el.id = 'keyed';
    el.setAttribute('api-key', 'sk-live-do-not-put-me-here');
    document.body.append(el);
  });
  const w = page.locator('murmur-chat#keyed');
  await w.getByText(/refused its "api-key" attribute/).waitFor();
  assert.ok(consoleErrors.some((t) => t.includes('murmur serve')));
  assert.equal(await w.getByLabel('Message').isDisabled(), true);
});

test('the JavaScript API: send() and clear()', async (context) => {
  const page = await context.newPage();
  await page.goto(host.url);
  await page.evaluate(() => document.querySelector('murmur-chat#docs').send('/echo sent by the page'));
  await docs(page).getByText('sent by the page').last().waitFor();
  await docs(page).getByRole('button', { name: 'Send' }).waitFor();
  await page.evaluate(() => document.querySelector('murmur-chat#docs').clear());
  await docs(page).getByText('Ask anything.').waitFor();
  await page.reload();
  await docs(page).getByText('Ask anything.').waitFor();
  assert.equal(await docs(page).getByText('sent by the page').count(), 0, 'clear() deleted the conversation');
});

test('a link in a widget reply opens in a new tab that learns nothing of the host page', async (context) => {
  await context.route('https://example.com/**', (r) => r.fulfill({ contentType: 'text/html', body: '<title>landed</title>' }));
  const page = await context.newPage();
  await page.goto(host.url + '/some/page?private=1');
  await page.evaluate(() => document.querySelector('murmur-chat#docs').send('/echo See [the guide](https://example.com/guide) here.'));
  const link = docs(page).getByRole('link', { name: 'the guide' });
  await link.waitFor();
  page.on('dialog', (d) => d.accept());
  const opened = context.waitForEvent('page');
  await link.click();
  const tab = await opened;
  await tab.waitForURL('https://example.com/guide');
  // The host page sends its origin by default (strict-origin-when-cross-origin): the tab must not get it.
  assert.deepEqual(await tab.evaluate(() => [window.opener, document.referrer]), [null, '']);
});

test('a host page with the Content-Security-Policy of the README runs the widget', async (context) => {
  const page = await context.newPage();
  const violations = [];
  page.on('console', (m) => /Content Security Policy|Refused/.test(m.text()) && violations.push(m.text()));
  await page.goto(strict.url);
  const box = docs(page).getByLabel('Message');
  await box.fill('/echo allowed by the policy');
  await box.press('Enter');
  await docs(page).locator('.line.assistant').getByText('allowed by the policy').waitFor();
  assert.deepEqual(violations, []);
});
