import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import App from './App.svelte';
import { conversation, ev, installFake, message, type Fake } from './test/fakeBackend';
import { ErrorKind } from './lib/backend';

let fake: Fake;
beforeEach(() => {
  fake = installFake();
  localStorage.clear();
});
afterEach(() => {
  cleanup();
  fake.uninstall();
});

async function typeAndSend(text: string) {
  const box = screen.getByLabelText('Message');
  await fireEvent.input(box, { target: { value: text } });
  await fireEvent.keyDown(box, { key: 'Enter' });
}

const pane = () => within(screen.getByRole('main', { name: 'Conversation' }));

describe('sending', () => {
  it('appends the user message and shows the streamed reply, in seq order', async () => {
    render(App);
    await typeAndSend('What is 2+2?');
    await waitFor(() => expect(fake.lastStarted()).toBeDefined());
    expect(fake.calls.find(([n]) => n === 'Send')?.[1]).toEqual(['', 'What is 2+2?', []]);
    expect(await within(await pane().findByRole('article', { name: 'You' })).findByText('What is 2+2?')).toBeTruthy();

    const s = fake.lastStarted()!;
    await waitFor(() => expect(fake.listeners(s.event)).toBe(1));
    // out of order: 2 arrives before 1
    fake.emit(s.event, ev(s, 2, 'delta', { delta: 'is **four**' }));
    fake.emit(s.event, ev(s, 1, 'delta', { delta: 'The answer ', reasoningDelta: 'adding…' }));
    const strong = await pane().findByText('four');
    expect(strong.tagName).toBe('STRONG');
    expect(strong.parentElement?.textContent).toContain('The answer is four');
    // the reasoning is apart and collapsed
    const details = pane().getByText('adding…').closest('details');
    expect(details?.open).toBe(false);
    // while it streams the composer offers Stop instead of Send
    expect(screen.getByRole('button', { name: 'Stop' })).toBeTruthy();

    fake.emit(s.event, ev(s, 3, 'done', { finishReason: 'stop' }));
    await waitFor(() => expect(screen.queryByRole('button', { name: 'Stop' })).toBeNull());
    expect(fake.listeners(s.event)).toBe(0);
  });

  it('keeps the typed text and shows the readable error when sending is refused', async () => {
    fake.app.Send = async () => {
      throw JSON.stringify({ kind: 'auth', message: 'There is no API key for Swarms yet: add one in Settings.' });
    };
    render(App);
    await typeAndSend('hello');
    expect(await pane().findByText('There is no API key for Swarms yet: add one in Settings.')).toBeTruthy();
    expect((screen.getByLabelText('Message') as HTMLTextAreaElement).value).toBe('hello');
    await fireEvent.click(pane().getByRole('button', { name: 'Open settings' }));
    expect(await screen.findByRole('dialog', { name: 'Settings' })).toBeTruthy();
  });

  it('shows a prompt that was saved but not sent, and sends it again from there', async () => {
    fake.conversations.set('c9', conversation('c9', 'Greeting', [message('u9', 'user', 'hello')]));
    fake.app.Send = async () => {
      throw JSON.stringify({
        kind: 'auth',
        message: 'There is no API key for Swarms yet: add one in Settings.',
        conversationId: 'c9',
        messageId: 'u9',
      });
    };
    render(App);
    await typeAndSend('hello');
    expect(await pane().findByText('There is no API key for Swarms yet: add one in Settings.')).toBeTruthy();
    // the prompt is shown in its conversation, not put back in the box
    expect(await pane().findByText('hello')).toBeTruthy();
    expect((screen.getByLabelText('Message') as HTMLTextAreaElement).value).toBe('');
    await fireEvent.click(pane().getByRole('button', { name: 'Send again' }));
    await waitFor(() => expect(fake.calls.find(([n]) => n === 'Regenerate')?.[1]).toEqual(['c9', 'u9']));
  });

  it('keeps showing a reply that could not be saved', async () => {
    render(App);
    await typeAndSend('write something');
    await waitFor(() => expect(fake.lastStarted()).toBeDefined());
    const s = fake.lastStarted()!;
    await waitFor(() => expect(fake.listeners(s.event)).toBe(1));
    fake.emit(s.event, ev(s, 1, 'delta', { delta: 'words only on screen' }));
    fake.emit(s.event, ev(s, 2, 'error', { error: { message: 'The reply could not be saved: disk full', kind: ErrorKind.Storage } }));
    expect(await pane().findByText('The reply could not be saved: disk full')).toBeTruthy();
    await waitFor(() => expect(fake.listeners(s.event)).toBe(0));
    await new Promise((r) => setTimeout(r, 50));
    expect(pane().getByText('words only on screen')).toBeTruthy();
  });

  it('shows a stream error inline with a way to the settings for auth problems', async () => {
    render(App);
    await typeAndSend('hi');
    await waitFor(() => expect(fake.lastStarted()).toBeDefined());
    const s = fake.lastStarted()!;
    await waitFor(() => expect(fake.listeners(s.event)).toBe(1));
    fake.emit(s.event, ev(s, 1, 'error', { error: { message: 'The API key was refused.', kind: ErrorKind.Auth } }));
    const alert = await pane().findByText('The API key was refused.');
    expect(within(alert.closest('[role=alert]') as HTMLElement).getByRole('button', { name: 'Open settings' })).toBeTruthy();
  });
});

describe('stopping', () => {
  it('Escape stops the reply; the text so far stays, marked stopped', async () => {
    render(App);
    await typeAndSend('Tell me a story');
    await waitFor(() => expect(fake.lastStarted()).toBeDefined());
    const s = fake.lastStarted()!;
    await waitFor(() => expect(fake.listeners(s.event)).toBe(1));
    fake.emit(s.event, ev(s, 1, 'delta', { delta: 'Once upon a time' }));
    expect(await pane().findByText('Once upon a time')).toBeTruthy();

    await fireEvent.keyDown(window, { key: 'Escape' });
    await waitFor(() => expect(fake.calls.some(([n, a]) => n === 'Stop' && a[0] === s.streamId)).toBe(true));

    fake.app.GetConversation = async () => {
      throw 'offline';
    }; // the view must keep the streamed text even if reloading fails
    fake.emit(s.event, ev(s, 2, 'stopped'));
    expect(await pane().findByText('Stopped')).toBeTruthy();
    expect(pane().getByText('Once upon a time')).toBeTruthy();
    expect(pane().getByRole('button', { name: 'Continue' })).toBeTruthy();
  });

  it('the Stop button stops too', async () => {
    render(App);
    await typeAndSend('x');
    await waitFor(() => expect(fake.lastStarted()).toBeDefined());
    await fireEvent.click(await screen.findByRole('button', { name: 'Stop' }));
    await waitFor(() => expect(fake.calls.some(([n]) => n === 'Stop')).toBe(true));
  });
});

describe('alternatives', () => {
  it('switches to the next reply with < 1/2 >', async () => {
    const first = message('a1', 'assistant', 'First answer', { parentId: 'u1', alternatives: ['a1', 'a2'], alternative: 0 });
    fake.conversations.set('c1', conversation('c1', 'Alts', [message('u1', 'user', 'Q'), first]));
    fake.app.SwitchAlternative = async (_c: string, id: string) =>
      conversation('c1', 'Alts', [
        message('u1', 'user', 'Q'),
        message(id, 'assistant', 'Second answer', { parentId: 'u1', alternatives: ['a1', 'a2'], alternative: 1 }),
      ]);
    render(App);
    await fireEvent.click(await screen.findByRole('button', { name: /^Alts/ }));
    expect(await pane().findByText('First answer')).toBeTruthy();
    expect(pane().getByText('1/2')).toBeTruthy();
    expect((pane().getByRole('button', { name: 'Previous alternative' }) as HTMLButtonElement).disabled).toBe(true);

    await fireEvent.click(pane().getByRole('button', { name: 'Next alternative' }));
    expect(await pane().findByText('Second answer')).toBeTruthy();
    expect(pane().getByText('2/2')).toBeTruthy();
    expect(fake.calls.find(([n]) => n === 'SwitchAlternative')?.[1]).toEqual(['c1', 'a2']);
  });
});

describe('sidebar', () => {
  it('lists pinned conversations first and searches with highlighted snippets', async () => {
    fake.conversations.set('c1', conversation('c1', 'Cooking', [message('u1', 'user', 'how to bake bread')]));
    fake.conversations.set('c2', { ...conversation('c2', 'Taxes', [message('u2', 'user', 'deadline?')]), pinned: true });
    render(App);
    const nav = within(screen.getByRole('navigation', { name: 'Conversations' }));
    await nav.findByText('Cooking');
    // Grouped by date: the pinned group first, each under its heading.
    const items = nav.getAllByRole('listitem').map((li) => li.textContent?.trim() ?? '');
    expect(items[0]).toBe('Pinned');
    expect(items[1]).toContain('Taxes');
    expect(items.indexOf('Pinned')).toBeLessThan(items.findIndex((t) => t.includes('Cooking')));

    await fireEvent.input(nav.getByLabelText('Search conversations'), { target: { value: 'bake' } });
    const mark = await nav.findByText('bake', { selector: 'mark' });
    expect(mark.parentElement?.textContent).toBe('how to bake bread');
    expect(nav.queryByText('Taxes')).toBeNull();
  });

  it('Ctrl+K goes to the search box and Down walks the list', async () => {
    fake.conversations.set('c1', conversation('c1', 'First'));
    fake.conversations.set('c2', conversation('c2', 'Second'));
    render(App);
    const nav = within(screen.getByRole('navigation', { name: 'Conversations' }));
    await nav.findByText('Second');
    await fireEvent.keyDown(window, { key: 'k', ctrlKey: true });
    const search = nav.getByLabelText('Search conversations');
    expect(document.activeElement).toBe(search);
    await fireEvent.keyDown(search, { key: 'ArrowDown' });
    expect(document.activeElement?.textContent).toContain('First');
    await fireEvent.keyDown(document.activeElement!, { key: 'ArrowDown' });
    expect(document.activeElement?.textContent).toContain('Second');
  });

  it('archives a conversation and finds it under Archived', async () => {
    fake.conversations.set('c1', conversation('c1', 'Old plans', [message('u1', 'user', 'x')]));
    fake.app.ArchiveConversation = async (id: string, archived: boolean) => {
      fake.conversations.get(id)!.archived = archived;
    };
    render(App);
    const nav = within(screen.getByRole('navigation', { name: 'Conversations' }));
    await fireEvent.click(await nav.findByRole('button', { name: /^Old plans/ }));
    await fireEvent.click(await pane().findByRole('button', { name: 'Archive' }));
    expect(await nav.findByText('No conversations yet')).toBeTruthy();
    expect(await pane().findByRole('button', { name: 'Unarchive' })).toBeTruthy();
    await fireEvent.change(nav.getByLabelText('Show'), { target: { value: 'archived' } });
    expect(await nav.findByRole('button', { name: /^Old plans/ })).toBeTruthy();
  });

  it('shows more than one page of conversations on request', async () => {
    for (let i = 0; i < 105; i++) {
      fake.conversations.set(`c${i}`, conversation(`c${i}`, `Chat number ${i}`));
    }
    render(App);
    const nav = within(screen.getByRole('navigation', { name: 'Conversations' }));
    await nav.findByText('Chat number 99');
    expect(nav.queryByText('Chat number 104')).toBeNull();
    await fireEvent.click(nav.getByRole('button', { name: 'Show more' }));
    expect(await nav.findByText('Chat number 104')).toBeTruthy();
    expect(nav.queryByRole('button', { name: 'Show more' })).toBeNull();
  });

  it('a page of the active list that arrives after switching to Archived stays out of it', async () => {
    for (let i = 0; i < 105; i++) {
      fake.conversations.set(`c${i}`, conversation(`c${i}`, `Chat number ${i}`));
    }
    fake.conversations.set('a1', { ...conversation('a1', 'Archived plans'), archived: true });
    const list = fake.app.ListConversations;
    let release = (): void => {};
    fake.app.ListConversations = async (filter: string, offset: number, limit: number) => {
      if (offset > 0) await new Promise<void>((r) => (release = r)); // the next page is slow
      return list(filter, offset, limit);
    };
    render(App);
    const nav = within(screen.getByRole('navigation', { name: 'Conversations' }));
    await nav.findByText('Chat number 99');
    await fireEvent.click(nav.getByRole('button', { name: 'Show more' }));
    await fireEvent.change(nav.getByLabelText('Show'), { target: { value: 'archived' } });
    expect(await nav.findByRole('button', { name: /^Archived plans/ })).toBeTruthy();
    release(); // the active list's second page arrives late
    await new Promise((r) => setTimeout(r, 50));
    expect(nav.queryByText('Chat number 104')).toBeNull();
    expect(nav.getAllByRole('button', { name: /^(Archived plans|Chat number)/ })).toHaveLength(1);
  });

  it('Ctrl+N starts a new chat', async () => {
    fake.conversations.set('c1', conversation('c1', 'Old', [message('u1', 'user', 'old question')]));
    render(App);
    await fireEvent.click(await screen.findByRole('button', { name: /^Old/ }));
    expect(await pane().findByText('old question')).toBeTruthy();
    await fireEvent.keyDown(window, { key: 'n', ctrlKey: true });
    await waitFor(() => expect(pane().queryByText('old question')).toBeNull());
    expect(pane().getByText('New conversation')).toBeTruthy();
  });
});

describe('links', () => {
  it('a click on a link goes to OpenLink and never navigates', async () => {
    fake.conversations.set('c1', conversation('c1', 'Links', [message('a1', 'assistant', 'See [docs](https://example.com/docs).')]));
    render(App);
    await fireEvent.click(await screen.findByRole('button', { name: /^Links/ }));
    const link = await pane().findByRole('link', { name: 'docs' });
    const click = new MouseEvent('click', { bubbles: true, cancelable: true });
    link.dispatchEvent(click);
    expect(click.defaultPrevented).toBe(true);
    await waitFor(() => expect(fake.calls.find(([n]) => n === 'OpenLink')?.[1]).toEqual(['https://example.com/docs']));
  });
});

describe('message actions', () => {
  async function openConv(title: string) {
    render(App);
    await fireEvent.click(await screen.findByRole('button', { name: new RegExp('^' + title) }));
  }
  async function streamed() {
    await waitFor(() => expect(fake.lastStarted()).toBeDefined());
    const s = fake.lastStarted()!;
    await waitFor(() => expect(fake.listeners(s.event)).toBe(1));
    return s;
  }

  it('regenerate streams a new reply in place of the old one', async () => {
    fake.conversations.set('c1', conversation('c1', 'Regen', [message('u1', 'user', 'Q'), message('a1', 'assistant', 'Old answer', { parentId: 'u1' })]));
    await openConv('Regen');
    await fireEvent.click(await pane().findByRole('button', { name: 'Regenerate' }));
    const s = await streamed();
    expect(fake.calls.find(([n]) => n === 'Regenerate')?.[1]).toEqual(['c1', 'a1']);
    fake.emit(s.event, ev(s, 1, 'delta', { delta: 'New answer' }));
    expect(await pane().findByText('New answer')).toBeTruthy();
    expect(pane().queryByText('Old answer')).toBeNull();
  });

  it('edit and resend replaces the prompt and streams the answer to it', async () => {
    fake.conversations.set('c1', conversation('c1', 'Edit', [message('u1', 'user', 'Wrong question'), message('a1', 'assistant', 'A', { parentId: 'u1' })]));
    await openConv('Edit');
    await fireEvent.click(await pane().findByRole('button', { name: 'Edit' }));
    const box = pane().getByLabelText('Edited message') as HTMLTextAreaElement;
    expect(box.value).toBe('Wrong question');
    await fireEvent.input(box, { target: { value: 'Right question' } });
    await fireEvent.keyDown(box, { key: 'Enter' });
    const s = await streamed();
    expect(fake.calls.find(([n]) => n === 'Edit')?.[1]).toEqual(['c1', 'u1', 'Right question', []]);
    expect(await pane().findByText('Right question')).toBeTruthy();
    fake.emit(s.event, ev(s, 1, 'delta', { delta: 'Right answer' }));
    expect(await pane().findByText('Right answer')).toBeTruthy();
  });

  it('continue appends to the stopped reply', async () => {
    fake.conversations.set('c1', conversation('c1', 'Cont', [
      message('u1', 'user', 'Count'),
      message('a1', 'assistant', 'one two', { parentId: 'u1', status: 'stopped', continuable: true }),
    ]));
    await openConv('Cont');
    await fireEvent.click(await pane().findByRole('button', { name: 'Continue' }));
    const s = await streamed();
    fake.emit(s.event, ev(s, 1, 'delta', { delta: ' three' }));
    expect(await pane().findByText('one two three')).toBeTruthy();
  });
});

describe('catching up', () => {
  it('shows what was written before the UI subscribed, then newer events only', async () => {
    fake.app.StreamSnapshot = async (streamId: string) => {
      const s = fake.lastStarted()!;
      return { streamId, conversationId: s.conversationId, messageId: s.assistantMessageId, seq: 2, content: 'Hello wor', reasoning: '', status: 'streaming' };
    };
    render(App);
    await typeAndSend('hi');
    await waitFor(() => expect(fake.lastStarted()).toBeDefined());
    const s = fake.lastStarted()!;
    expect(await pane().findByText('Hello wor')).toBeTruthy();
    fake.emit(s.event, ev(s, 2, 'delta', { delta: 'wor' })); // already in the snapshot
    fake.emit(s.event, ev(s, 3, 'delta', { delta: 'ld' }));
    expect(await pane().findByText('Hello world')).toBeTruthy();
  });

  it('shows the saved reply when it ended before the UI looked', async () => {
    fake.app.StreamSnapshot = async () => {
      throw JSON.stringify({ kind: 'not_found', message: 'That reply is no longer being written.' });
    };
    const send = fake.app.Send;
    fake.app.Send = async (...args) => {
      const st = await send(...args);
      const c = fake.conversations.get(st.conversationId)!;
      c.messages[c.messages.length - 1] = { ...c.messages.at(-1)!, content: 'Already done', status: 'complete' };
      return st;
    };
    render(App);
    await typeAndSend('quick');
    expect(await pane().findByText('Already done')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Send' })).toBeTruthy();
  });
});
