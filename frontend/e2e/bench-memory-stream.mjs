// What the memory benchmark runs in the page (e2e/bench-memory.mjs).

/**
 * Streams n tokens of the fake API's long answer (llmtest.longAnswer: its
 * canned answers as numbered paragraphs, cut into word-sized tokens) into
 * the reply the last Send started, at rate tokens per second, as the Go side
 * emits them; saves the reply as Go would, then ends the stream. Resolves
 * once the done event is out.
 */
export function streamLong({ n, rate }) {
  const answers = [
    'Here is a short answer.\n\nStreaming works: this text arrives a few characters at a time, and the final message is saved when the stream ends.',
    '## A small example\n\n- Lists render as lists\n- **Bold** and *italic* text render too\n\n```go\nfunc hello() string {\n\treturn "hello, world"\n}\n```\n\nThat is all.',
    '| Column | Value |\n|---|---|\n| alpha | 1 |\n| beta | 2 |\n\nTables, `inline code` and [links](https://example.com) are part of the reply.',
    'I am a fake model running on this machine. I do not know anything, but I answer quickly and always in the same way, which is what tests need.',
  ];
  const split = (s) => s.match(/[^ \n]*[ \n]*/g).filter((t) => t !== '');
  let paragraphs = 60;
  let toks;
  for (;;) {
    let text = '';
    for (let i = 1; i <= paragraphs; i++) text += `Paragraph ${i}. ${answers[i % 4]}\n\n`;
    toks = split(text);
    if (toks.length >= n) break;
    paragraphs *= 2;
  }
  toks = toks.slice(0, n);
  const fake = window.murmurFake;
  const s = fake.lastStarted();
  const base = { streamId: s.streamId, conversationId: s.conversationId, messageId: s.assistantMessageId };
  let seq = 0;
  let sent = 0;
  const t0 = performance.now();
  return new Promise((done) => {
    const tick = () => {
      const due = Math.min(n, Math.floor(((performance.now() - t0) / 1000) * rate) + 1);
      while (sent < due) fake.emit(s.event, { ...base, seq: ++seq, type: 'delta', delta: toks[sent++] });
      if (sent < n) {
        setTimeout(tick, 1000 / rate);
        return;
      }
      const m = fake.conversations.get(s.conversationId)?.messages.find((x) => x.id === s.assistantMessageId);
      if (m) Object.assign(m, { content: toks.join(''), status: 'complete' });
      fake.emit(s.event, { ...base, seq: ++seq, type: 'done', finishReason: 'stop' });
      queueMicrotask(() => fake.emit('conversations:changed', [s.conversationId]));
      done(performance.now() - t0);
    };
    tick();
  });
}
