// The Go stand-in for the browser tests (e2e/), installed before the app:
// the fake with replies replayed from the recordings, seeded with what the
// test asks for (window.__murmurE2E, set by an init script).
import { conversation, installFake, message, type Fake } from './fakeBackend';
import type { ConversationView, MessageView } from '../lib/backend';

interface Seed {
  /** Pace of the replayed replies (1: as recorded). */
  speed?: number;
  /** A key for every provider, so the first run is skipped. */
  keys?: boolean;
  /** Conversations to start with: a count of generated ones, or given ones. */
  conversations?: number;
  messages?: number;
  given?: ConversationView[];
}

declare global {
  interface Window {
    __murmurE2E?: Seed;
    murmurFake?: Fake;
  }
}

const seed = window.__murmurE2E ?? {};
const fake = installFake();
fake.replay = seed.speed ?? 1;
if (seed.keys) {
  fake.settings.keys.swarms = { set: true, source: 'keychain', hint: '…abcd', sessionOnly: false };
  fake.settings.settings.providers[0]!.models = ['gpt-4o', 'gpt-4o-mini', 'claude-sonnet-4-20250514', 'openrouter/deepseek-r1'];
}
const day = 86_400_000;
for (let i = 0; i < (seed.conversations ?? 0); i++) {
  const c = conversation(`conv-seed-${i}`, `Conversation ${i + 1}: ${['Trip to Lisbon', 'Tax questions', 'Go generics', 'Bread recipe', 'Svelte runes'][i % 5]}`);
  c.updatedAt = new Date(Date.now() - i * (day / 3)).toISOString();
  c.pinned = i === 3;
  const n = i === 0 ? (seed.messages ?? 2) : 2;
  const msgs: MessageView[] = [];
  for (let j = 0; j < n; j++) {
    const role = j % 2 === 0 ? 'user' : 'assistant';
    const text =
      role === 'user'
        ? `Question ${j / 2 + 1}: how does this work?`
        : `Answer ${(j + 1) / 2}. Here is **some** detail with \`code\`, a list:\n\n- one\n- two\n\nand a formula $e^{i\\pi}+1=0$.\n\n\`\`\`go\nfunc answer() int { return ${j} }\n\`\`\``;
    msgs.push(message(`m-${i}-${j}`, role, text, { parentId: j > 0 ? `m-${i}-${j - 1}` : '', model: role === 'assistant' ? 'gpt-4o' : '' }));
  }
  c.messages = msgs;
  fake.conversations.set(c.id, c);
}
for (const c of seed.given ?? []) {
  fake.conversations.set(c.id, c);
}
window.murmurFake = fake;
// The app starts after this (the benchmark times its first paint from here).
performance.mark('murmur-seeded');
