#!/usr/bin/env node
// The renderer's checks in a real browser (make test): runs each check of
// browser/checks.ts in a fresh page of Debian's Chromium, watches every
// request the page makes, and fails if a check reports a problem, the page
// logs an error, or anything but the page itself and the one image a check
// asked for was fetched.
import { launch, serve } from './harness.mjs';

// a 1×1 transparent PNG, served for the one image the images check loads
const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');

const site = await serve('render.html');
const browser = await launch();
let failed = 0;
try {
  const names = await (async () => {
    const page = await browser.newPage();
    await page.goto(site.url);
    await page.waitForFunction(() => document.title === 'ready');
    const n = await page.evaluate(() => window.checks.names);
    await page.close();
    return n;
  })();
  for (const name of names) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const problems = [];
    const fetched = [];
    page.on('pageerror', (e) => problems.push(`page error: ${e}`));
    page.on('console', (m) => {
      const blockedHandler = m.text().startsWith('Executing inline event handler violates the following Content Security Policy');
      if (m.type() === 'error' && !(name === 'sanitizer' && blockedHandler)) {
        problems.push(`console error: ${m.text()}`);
      }
    });
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(site.origin + '/')) {
        return route.continue();
      }
      fetched.push(url);
      if (url.startsWith('https://images.example/')) {
        return route.fulfill({ status: 200, contentType: 'image/png', body: png });
      }
      return route.abort();
    });
    await page.goto(site.url);
    await page.waitForFunction(() => document.title === 'ready');
    const t0 = Date.now();
    problems.push(...(await page.evaluate((n) => window.checks.run(n), name)));
    const allowed = name === 'images' ? ['https://images.example/first.png'] : [];
    if (JSON.stringify(fetched) !== JSON.stringify(allowed)) {
      problems.push(`fetched ${JSON.stringify(fetched)}, expected ${JSON.stringify(allowed)}`);
    }
    await context.close();
    const secs = ((Date.now() - t0) / 1000).toFixed(1);
    if (problems.length === 0) {
      console.log(`ok    ${name} (${secs} s)`);
    } else {
      failed++;
      console.log(`FAIL  ${name} (${secs} s)`);
      for (const p of problems) {
        console.log(`      ${p}`);
      }
    }
  }
} finally {
  await browser.close();
  site.close();
}
if (failed > 0) {
  console.log(`browser checks: ${failed} failed`);
  process.exit(1);
}
console.log('browser checks: all passed');
