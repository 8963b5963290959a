// The desktop UI in a real browser (Debian's Chromium through playwright-core),
// against the Go stand-in that replays streams recorded from the real engine.
// Each test acts as a user would and looks at what a user would see;
// screenshots are kept in build/artifacts/ui/.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openApp, serve, shot } from './harness.mjs';

let server;
let browser;

before(async () => {
  server = await serve();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

const png1x1 = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

async function open(opts = {}) {
  const app = await openApp(browser, server.url, opts);
  const { page } = app;
  const box = page.getByLabel('Message', { exact: true });
  const pane = page.getByRole('main', { name: 'Conversation' });
  const calls = (name) => page.evaluate((n) => window.murmurFake.calls.filter(([c]) => c === n).map(([, a]) => a), name);
  const send = async (text) => {
    await box.fill(text);
    await box.press('Enter');
  };
  return { ...app, box, pane, calls, send };
}

/** Fails on any error the page reported. */
function clean(errors) {
  assert.deepEqual(errors.map((e) => e.message), []);
}

describe('first run', () => {
  it('explains what is needed, tests the key, picks a model and starts', async () => {
    const { page, errors, box, calls, context } = await open();
    await page.getByRole('heading', { name: 'Welcome to Murmur' }).waitFor();
    await shot(page, 'first-run');
    const key = page.getByLabel('API key', { exact: true });
    await key.fill('sk-wrong-key');
    await page.getByRole('button', { name: 'Test the connection' }).click();
    await page.getByText('The API key was refused (HTTP 401)').waitFor();
    await key.fill('sk-good-key-1234');
    await page.getByRole('button', { name: 'Test the connection' }).click();
    await page.getByText('It works: 3 models offered.').waitFor();
    await page.getByLabel('Model', { exact: true }).selectOption('gpt-4o-mini');
    await page.getByRole('button', { name: 'Save and start chatting' }).click();
    await page.getByText('Start a conversation').waitFor();
    const [[saved]] = await calls('SaveSettings');
    assert.equal(saved.defaults.providerId, 'swarms');
    assert.equal(saved.defaults.model, 'gpt-4o-mini');
    assert.deepEqual(await calls('SetKey'), [['swarms', 'sk-good-key-1234']]);
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-label')), 'Message');
    assert.ok(!(await page.content()).includes('sk-good-key-1234'), 'the key stays out of the page');
    await box.fill('hello');
    clean(errors);
    await context.close();
  });
});

describe('chat', () => {
  it('streams a reply that grows over several paints, with markdown, code and math', async () => {
    const { page, errors, pane, send, context } = await open({ seed: { keys: true, speed: 0.5 } });
    await send('/think Show me a list and some code');
    const reply = pane.getByRole('article', { name: 'Assistant' }).last();
    const lengths = new Set();
    for (let i = 0; i < 60 && !(await reply.getByRole('button', { name: 'Regenerate' }).isVisible()); i++) {
      lengths.add((await reply.innerText()).length);
      await page.waitForTimeout(50);
    }
    assert.ok(lengths.size >= 3, `the reply should grow over several paints, saw ${lengths.size} lengths`);
    await reply.getByRole('button', { name: 'Regenerate' }).waitFor();
    assert.match(await reply.innerText(), /Streaming works/);
    assert.equal(await reply.locator('details summary').innerText(), 'Reasoning');
    await shot(page, 'chat-streamed-light');
    clean(errors);
    await context.close();
  });

  it('stops a long reply, keeps its text, and continues it', async () => {
    const { page, errors, pane, send, context } = await open({ seed: { keys: true, speed: 0.3 } });
    await send('/long');
    const reply = pane.getByRole('article', { name: 'Assistant' }).last();
    await reply.getByText('Paragraph 2.').waitFor();
    // The composer stays editable while the reply is written; only Send waits.
    const box = page.getByLabel('Message', { exact: true });
    await box.fill('a next question, typed meanwhile');
    assert.equal(await page.getByRole('button', { name: 'Send' }).isDisabled(), true);
    await page.getByRole('button', { name: 'Stop' }).click();
    await reply.getByText('Stopped').waitFor();
    assert.equal(await box.inputValue(), 'a next question, typed meanwhile');
    const stoppedAt = (await reply.innerText()).length;
    await reply.getByRole('button', { name: 'Continue' }).click();
    await page.waitForFunction((n) => {
      const all = document.querySelectorAll('article[aria-label="Assistant"]');
      return all[all.length - 1].innerText.length > n + 50;
    }, stoppedAt);
    clean(errors);
    await context.close();
  });

  it('regenerates, switches between the replies, and edits a prompt', async () => {
    const { page, errors, pane, send, context } = await open({ seed: { keys: true, speed: 20 } });
    await send('Say hello');
    const reply = () => pane.getByRole('article', { name: 'Assistant' }).last();
    await reply().getByRole('button', { name: 'Regenerate' }).click();
    await reply().getByText('2/2').waitFor();
    await reply().getByRole('button', { name: 'Previous alternative' }).click();
    await page.getByRole('article', { name: 'You' }).getByRole('button', { name: 'Edit' }).click();
    await page.getByLabel('Edited message').fill('Say hello, but shorter');
    await page.getByRole('button', { name: 'Send edit' }).click();
    await page.getByRole('article', { name: 'You' }).getByText('Say hello, but shorter').waitFor();
    await page.getByRole('article', { name: 'You' }).getByText('2/2').waitFor();
    clean(errors);
    await context.close();
  });

  it('picks the model and the options of this chat next to the composer', async () => {
    const { page, errors, calls, send, context } = await open({ seed: { keys: true, speed: 20 } });
    await send('Say hello');
    await page.getByRole('article', { name: 'Assistant' }).getByRole('button', { name: 'Regenerate' }).waitFor();
    await page.getByRole('button', { name: /^Model: gpt-4o on Swarms/ }).click();
    await page.getByLabel('Search models').fill('mini');
    await shot(page, 'model-picker');
    await page.getByLabel('Search models').press('Enter');
    await page.getByRole('button', { name: /^Model: gpt-4o-mini/ }).waitFor();
    let [last] = (await calls('SetConversationOptions')).slice(-1);
    assert.equal(last[1].model, 'gpt-4o-mini');

    await page.getByRole('button', { name: 'Chat options' }).click();
    const temp = page.getByLabel('Temperature');
    assert.equal(await temp.getAttribute('placeholder'), 'default 0.7');
    const options = page.getByRole('dialog', { name: 'Chat options' });
    await temp.fill('3');
    await options.getByRole('button', { name: 'Save' }).click();
    await page.getByText('the temperature must be between 0 and 2, not 3').waitFor();
    await temp.fill('0.2');
    await page.getByLabel('Own system prompt').check();
    await page.getByLabel('System prompt for this chat').fill('Answer like a pirate.');
    await options.getByRole('button', { name: 'Save' }).click();
    await options.waitFor({ state: 'detached' });
    [last] = (await calls('SetConversationOptions')).slice(-1);
    assert.equal(last[1].params.temperature, 0.2);
    assert.equal(last[1].systemPrompt, 'Answer like a pirate.');
    assert.equal(last[1].model, 'gpt-4o-mini', 'the options keep the model picked');
    clean(errors);
    await context.close();
  });

  it('says when a chat’s model is gone and offers the picker', async () => {
    const given = [{ id: 'old', title: 'Old chat', createdAt: '2026-01-01T00:00:00Z', updatedAt: new Date().toISOString(),
      pinned: false, archived: false, providerId: 'swarms', model: 'gpt-3.5-turbo-0301', params: {}, messages: [
        { id: 'u', parentId: '', role: 'user', content: 'hi', reasoning: '', status: 'complete', createdAt: '2026-01-01T00:00:00Z',
          alternatives: ['u'], alternative: 0, continuable: false, attachments: [] }] }];
    const { page, errors, context } = await open({ seed: { keys: true, given } });
    await page.getByRole('button', { name: /^Old chat/ }).click();
    await page.getByText('Swarms no longer offers gpt-3.5-turbo-0301.').waitFor();
    await page.getByRole('button', { name: 'Pick another model' }).click();
    await page.getByRole('listbox', { name: 'Models' }).waitFor();
    clean(errors);
    await context.close();
  });

  it('attaches an image and a text file by dropping them, shows a thumbnail, opens it larger', async () => {
    const { page, errors, pane, calls, context } = await open({ seed: { keys: true, speed: 20 } });
    const composer = page.getByRole('form', { name: 'Composer' });
    const dt = await page.evaluateHandle(([b64]) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const d = new DataTransfer();
      d.items.add(new File([bytes], 'dot.png', { type: 'image/png' }));
      d.items.add(new File(['package main\n'], 'main.go', { type: 'text/plain' }));
      return d;
    }, [png1x1.toString('base64')]);
    await composer.dispatchEvent('dragover', { dataTransfer: dt });
    await composer.dispatchEvent('drop', { dataTransfer: dt });
    await composer.getByRole('button', { name: 'Open dot.png' }).waitFor();
    await composer.getByText('main.go').waitFor();
    await page.getByLabel('Message', { exact: true }).fill('What are these?');
    await page.getByLabel('Message', { exact: true }).press('Enter');
    const prompt = pane.getByRole('article', { name: 'You' });
    await prompt.getByRole('button', { name: 'Open dot.png' }).click();
    await page.getByRole('dialog', { name: 'dot.png' }).getByRole('img', { name: 'dot.png' }).waitFor();
    await shot(page, 'attachment-lightbox');
    await page.keyboard.press('Escape');
    const [[, , atts]] = await calls('Send');
    assert.deepEqual(atts.map((a) => [a.name, a.kind]), [['dot.png', 'image'], ['main.go', 'text']]);
    clean(errors);
    await context.close();
  });

  it('refuses a PDF in words and loses nothing typed', async () => {
    const { page, errors, context } = await open({ seed: { keys: true } });
    const box = page.getByLabel('Message', { exact: true });
    await box.fill('summarise this');
    const dt = await page.evaluateHandle(() => {
      const d = new DataTransfer();
      d.items.add(new File(['%PDF-1.7'], 'paper.pdf', { type: 'application/pdf' }));
      return d;
    });
    await page.getByRole('form', { name: 'Composer' }).dispatchEvent('drop', { dataTransfer: dt });
    await page.getByText('paper.pdf is a PDF: PDF is not supported yet').waitFor();
    assert.equal(await box.inputValue(), 'summarise this');
    clean(errors);
    await context.close();
  });

  it('shows a rate-limited retry with its countdown, then the error with its fix', async () => {
    const { page, errors, pane, send, context } = await open({ seed: { keys: true, speed: 8 } });
    await send('/error 429');
    await pane.getByText(/Rate limited, retrying in \d+ s/).waitFor();
    await shot(page, 'rate-limited');
    const reply = pane.getByRole('article', { name: 'Assistant' }).last();
    await reply.getByRole('alert').waitFor({ timeout: 15000 });
    await reply.getByRole('button', { name: 'Retry' }).waitFor();
    clean(errors);
    await context.close();
  });

  it('offers the settings for a refused key', async () => {
    const { page, errors, pane, send, context } = await open({ seed: { keys: true, speed: 20 } });
    await send('/error 401');
    await pane.getByRole('article', { name: 'Assistant' }).getByRole('button', { name: 'Open settings' }).click();
    await page.getByRole('dialog', { name: 'Settings' }).waitFor();
    clean(errors);
    await context.close();
  });
});

describe('conversations', () => {
  it('groups by date, searches, renames in place, deletes with undo', async () => {
    const { page, errors, calls, context } = await open({ seed: { keys: true, conversations: 6 } });
    const nav = page.getByRole('navigation', { name: 'Conversations' });
    for (const g of ['Pinned', 'Today', 'Yesterday']) {
      await nav.getByRole('heading', { name: g }).waitFor();
    }
    await nav.getByLabel('Search conversations').fill('how does');
    await nav.locator('mark', { hasText: 'how does' }).first().waitFor();
    await nav.getByLabel('Search conversations').fill('');
    await nav.getByRole('heading', { name: 'Today' }).waitFor();

    const row = nav.getByRole('button', { name: /^Conversation 2:/ });
    await row.dblclick();
    await nav.getByLabel('New title').fill('Renamed in place');
    await nav.getByLabel('New title').press('Enter');
    await nav.getByRole('button', { name: /^Renamed in place/ }).waitFor();
    assert.deepEqual((await calls('RenameConversation')).at(-1), ['conv-seed-1', 'Renamed in place']);

    await nav.getByRole('button', { name: /^Renamed in place/ }).click({ button: 'right' });
    await page.getByRole('menu', { name: 'Conversation actions' }).getByRole('menuitem', { name: 'Delete' }).click();
    await nav.getByRole('button', { name: /^Renamed in place/ }).waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Undo' }).click();
    await nav.getByRole('button', { name: /^Renamed in place/ }).waitFor();
    assert.deepEqual(await calls('DeleteConversation'), []);

    await nav.getByRole('button', { name: 'More actions for Renamed in place' }).click();
    await page.getByRole('menuitem', { name: 'Delete' }).click();
    await page.waitForFunction(() => window.murmurFake.calls.some(([n]) => n === 'DeleteConversation'), null, { timeout: 8000 });
    await shot(page, 'list-light');
    clean(errors);
    await context.close();
  });

  it('loads the next page of the list as it is scrolled with the wheel, past the first page', async () => {
    const { page, errors, context } = await open({ seed: { keys: true, conversations: 250 } });
    const list = page.getByRole('list', { name: 'Conversation list' });
    await list.getByRole('button', { name: /^Conversation 1:/ }).waitFor();
    const box = await list.boundingBox();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const last = list.getByRole('button', { name: /^Conversation 250:/ });
    for (let i = 0; i < 200 && !(await last.isVisible()); i++) {
      await page.mouse.wheel(0, 800);
      await page.waitForTimeout(30);
    }
    assert.ok(await last.isVisible(), 'the last of 250 conversations is reached by scrolling alone');
    clean(errors);
    await context.close();
  });

  it('opens a long conversation at its end, after a short one and after another long one', async () => {
    const convo = (id, title, n) => ({
      id, title, createdAt: '2026-01-01T00:00:00Z', updatedAt: new Date().toISOString(), pinned: false, archived: false,
      providerId: '', model: '', params: {},
      messages: Array.from({ length: n }, (_, j) => ({
        id: `${id}-${j}`, parentId: j ? `${id}-${j - 1}` : '', role: j % 2 ? 'assistant' : 'user',
        content: `${title}, message ${j + 1}.\n\n${'A paragraph that takes a few lines to read. '.repeat(j % 5 + 1)}`,
        reasoning: '', status: 'complete', createdAt: '2026-01-01T00:00:00Z', alternatives: [`${id}-${j}`], alternative: 0,
        continuable: false, attachments: [],
      })),
    });
    const given = [convo('s', 'Short one', 4), convo('a', 'Long one', 300), convo('b', 'Other long one', 300)];
    const { page, pane, errors, context } = await open({ seed: { keys: true, given } });
    const nav = page.getByRole('navigation', { name: 'Conversations' });
    for (const [title, n] of [['Short one', 4], ['Long one', 300], ['Other long one', 300], ['Long one', 300]]) {
      await nav.getByRole('button', { name: new RegExp(`^${title}`) }).click();
      const last = pane.getByText(`${title}, message ${n}.`, { exact: true });
      await last.waitFor();
      await page.waitForFunction(
        (t) => {
          const el = [...document.querySelectorAll('section[aria-label="Messages"] article')].find((a) => a.textContent.includes(t));
          const view = document.querySelector('section[aria-label="Messages"]')?.getBoundingClientRect();
          const r = el?.getBoundingClientRect();
          return r && view && r.bottom > view.top && r.top < view.bottom;
        },
        `${title}, message ${n}.`,
        { timeout: 5000 },
      );
    }
    await shot(page, 'long-conversation-end');
    clean(errors);
    await context.close();
  });

  it('reopens the last conversation after a reload', async () => {
    const { page, errors, context } = await open({ seed: { keys: true, conversations: 3 } });
    await page.getByRole('button', { name: /^Conversation 3:/ }).click();
    await page.getByRole('heading', { name: /^Conversation 3:/ }).waitFor();
    await page.reload();
    await page.getByRole('heading', { name: /^Conversation 3:/ }).waitFor();
    clean(errors);
    await context.close();
  });
});

describe('settings', () => {
  it('shows problems next to their fields and in words at Save, and clears them when fixed', async () => {
    const { page, errors, context } = await open({ seed: { keys: true } });
    await page.keyboard.press('Control+,');
    const dialog = page.getByRole('dialog', { name: 'Settings' });
    await dialog.getByLabel('Base URL').fill('api.example.com');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.getByText('One setting needs fixing before saving.').waitFor();
    await dialog.getByText('Swarms: base URL: enter the base URL of the API').waitFor();
    assert.ok(!(await dialog.innerText()).includes('providers[0]'), 'no field paths shown');
    const msg = await dialog.getByLabel('Base URL').getAttribute('aria-describedby');
    assert.match(await page.locator(`#${msg}`).innerText(), /enter the base URL of the API/);
    await shot(page, 'settings-error');
    await dialog.getByLabel('Base URL').fill('https://api.swarms.world/v1');
    await dialog.getByText('One setting needs fixing before saving.').waitFor({ state: 'detached' });
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });
    clean(errors);
    await context.close();
  });
});

describe('looks', () => {
  for (const theme of ['light', 'dark']) {
    it(`${theme}: every control is readable`, async () => {
      const { page, errors, context } = await open({ theme, seed: { keys: true, conversations: 8, messages: 6 } });
      await page.getByRole('button', { name: /^Conversation 1:/ }).click();
      await page.waitForTimeout(200);
      await shot(page, `conversation-${theme}`);
      await page.keyboard.press('Control+,');
      await page.getByRole('dialog', { name: 'Settings' }).waitFor();
      await shot(page, `settings-${theme}`);
      // Text against its own background: WCAG AA (4.5:1) for every select,
      // option, input and button.
      const worst = await page.evaluate(() => {
        const lum = (c) => {
          const m = c.match(/[\d.]+/g).map(Number);
          const [r, g, b] = m.slice(0, 3).map((v) => {
            v /= 255;
            return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
          });
          return 0.2126 * r + 0.7152 * g + 0.0722 * b;
        };
        const bg = (el) => {
          for (let e = el; e; e = e.parentElement) {
            const c = getComputedStyle(e).backgroundColor;
            if (!/rgba\(0, 0, 0, 0\)|transparent/.test(c)) return c;
          }
          return getComputedStyle(document.body).backgroundColor;
        };
        let low = { ratio: 99, what: '' };
        for (const el of document.querySelectorAll('select, option, input:not([type=checkbox]):not([type=radio]):not([type=range]), textarea, button')) {
          if (!el.checkVisibility?.() && el.tagName !== 'OPTION') continue;
          if (el.disabled) continue;
          const a = lum(getComputedStyle(el).color);
          const b = lum(bg(el));
          const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
          if (ratio < low.ratio) low = { ratio, what: `${el.tagName} ${el.getAttribute('aria-label') ?? el.textContent?.trim().slice(0, 30)}` };
        }
        return low;
      });
      assert.ok(worst.ratio >= 4.5, `${worst.what} has a contrast of ${worst.ratio.toFixed(2)}:1`);
      clean(errors);
      await context.close();
    });
  }

  it('narrow: the list folds away, every action is reachable', async () => {
    const { page, errors, context } = await open({ width: 640, height: 760, theme: 'dark', seed: { keys: true, conversations: 4 } });
    assert.equal(await page.getByRole('navigation', { name: 'Conversations' }).count(), 0);
    await page.getByRole('button', { name: 'Show the conversation list' }).click();
    await page.getByRole('button', { name: /^Conversation 2:/ }).click();
    // picking one gets the list out of the way
    await page.getByRole('navigation', { name: 'Conversations' }).waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Conversation actions' }).click();
    const menu = page.getByRole('menu', { name: 'Conversation actions' });
    for (const item of ['Rename', 'Pin', 'Archive', 'Markdown', 'Delete']) {
      await menu.getByRole('menuitem', { name: new RegExp(`^${item}`) }).waitFor();
    }
    await shot(page, 'narrow-dark');
    await page.keyboard.press('Escape');
    // Nothing is wider than the window.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the page is ${overflow}px wider than the window`);
    clean(errors);
    await context.close();
  });
});

describe('keyboard', () => {
  it('works with the keyboard alone: shortcuts, moving between chats, copying the reply', async () => {
    const { page, errors, context } = await open({ seed: { keys: true, conversations: 3, speed: 20 } });
    await page.keyboard.press('Control+/');
    await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).getByText('Copy the last reply').waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor({ state: 'detached' });
    await page.keyboard.press('Alt+ArrowDown');
    await page.getByRole('heading', { name: /^Conversation 1:/ }).waitFor();
    await page.keyboard.press('Alt+ArrowDown');
    await page.getByRole('heading', { name: /^Conversation 2:/ }).waitFor();
    await page.keyboard.press('Control+b');
    await page.getByRole('navigation', { name: 'Conversations' }).waitFor({ state: 'detached' });
    await page.keyboard.press('Control+b');
    await page.keyboard.press('Control+l');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-label')), 'Message');
    await page.keyboard.type('Say hello');
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'Reply finished.' }).waitFor();
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await page.keyboard.press('Control+Shift+C');
    await page.getByText('Copied the last reply.').waitFor();
    clean(errors);
    await context.close();
  });
});
