#!/usr/bin/env node
// What scripts/desktop-e2e.sh and scripts/bench-desktop.sh ask of a running
// desktop app from outside: the conversations it stored (the files under
// $XDG_DATA_HOME/murmur, see backend/store) and its processes (/proc).
//
//   desktop-probe.mjs reply DATA API PROMPT TIMEOUT_MS [COUNT]
//       waits until a stored conversation (COUNT of them) holds PROMPT and,
//       answering it, the complete reply the fake API gives that prompt
//       (asked without stream)
//   desktop-probe.mjs attachment DATA PROMPT FILE
//       checks the message PROMPT refers to FILE as an attachment, stored once
//       under its content id, and that the conversation file does not hold it
//   desktop-probe.mjs processes PID
//       PID and its descendants: pid, name, role (app, web, network, other)
//   desktop-probe.mjs pss PID
//       the PSS (smaps_rollup) of PID and its descendants, in kB, as JSON
//   desktop-probe.mjs sample PID XVFB_PID OUT INTERVAL_MS
//       appends one JSON line of CPU ticks per process (and the web process's
//       main thread) to OUT every INTERVAL_MS until it gets SIGTERM
//   desktop-probe.mjs report SAMPLES MARKS PSS_IDLE PSS_AFTER OUT
//       the benchmark's figures from those files: JSON to OUT, a table on stdout
import { createHash } from 'node:crypto';
import { appendFileSync, readdirSync, readFileSync, existsSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const [cmd, ...args] = process.argv.slice(2);

function die(msg) {
  console.error(`desktop-probe: ${msg}`);
  process.exit(1);
}

// ---- stored conversations ----------------------------------------------

function conversations(data) {
  const dir = join(data, 'conversations');
  if (!existsSync(dir)) return [];
  const out = [];
  for (const f of readdirSync(dir)) {
    if (!f.endsWith('.json')) continue;
    try {
      out.push(JSON.parse(readFileSync(join(dir, f), 'utf8')));
    } catch {
      // mid-replace or not ours: the next poll sees the whole file
    }
  }
  return out;
}

/** The text of a message's content: a string, or the text parts joined as the fake API joins them. */
function textOf(content) {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.filter((p) => p.type === 'text').map((p) => p.text).join('\n');
  return '';
}

/** Every user message holding prompt, with its conversation and the reply to it, if any. */
function findPrompts(data, prompt) {
  const out = [];
  for (const c of conversations(data)) {
    for (const user of (c.messages ?? []).filter((m) => m.role === 'user' && textOf(m.content) === prompt)) {
      const reply = c.messages.filter((m) => m.role === 'assistant' && m.parent_id === user.id).at(-1);
      out.push({ conv: c, user, reply });
    }
  }
  return out;
}

const findPrompt = (data, prompt) => findPrompts(data, prompt)[0] ?? null;

async function expectedReply(api, prompt) {
  const res = await fetch(`${api}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'fake-model', messages: [{ role: 'user', content: prompt }] }),
  });
  if (!res.ok) die(`the fake API answered ${res.status} to the prompt: ${await res.text()}`);
  return (await res.json()).choices[0].message.content;
}

async function reply(data, api, prompt, timeoutMs, count = '1') {
  const want = await expectedReply(api, prompt);
  const deadline = Date.now() + Number(timeoutMs);
  let seen = 'no stored conversation holds the prompt';
  for (;;) {
    const found = findPrompts(data, prompt);
    const done = found.filter((f) => f.reply?.status === 'complete' && textOf(f.reply.content) === want);
    if (done.length >= Number(count)) {
      const f = done.at(-1);
      console.log(`${f.conv.id}: reply complete, ${want.length} characters, as the fake API streamed it`);
      return;
    }
    const f = found.find((x) => !done.includes(x));
    if (found.length < Number(count) && !f) seen = `${found.length} of ${count} stored conversations hold the prompt`;
    if (f && !f.reply) seen = `conversation ${f.conv.id} holds the prompt but no reply to it`;
    if (f?.reply) {
      const got = textOf(f.reply.content);
      seen = `the reply is ${f.reply.status} with ${got.length} of ${want.length} characters` +
        (f.reply.status === 'complete' ? `; it differs from the fake's: ${JSON.stringify(got.slice(0, 200))}` : '') +
        (f.reply.error ? `; error: ${f.reply.error.message}` : '');
    }
    if (Date.now() > deadline) die(`after ${timeoutMs} ms: ${seen}`);
    await sleep(100);
  }
}

function attachment(data, prompt, file) {
  const bytes = readFileSync(file);
  const id = 'sha256-' + createHash('sha256').update(bytes).digest('hex');
  const f = findPrompt(data, prompt);
  if (!f) die('no stored conversation holds the prompt');
  const parts = Array.isArray(f.user.content) ? f.user.content : [];
  const ref = parts.find((p) => p.type === 'attachment')?.attachment;
  if (!ref) die(`the message holds no attachment: ${JSON.stringify(f.user.content).slice(0, 300)}`);
  if (ref.id !== id) die(`the message refers to ${ref.id}, want the file's content id ${id}`);
  if (ref.name !== basename(file) || ref.mime !== 'image/png' || ref.size !== bytes.length) {
    die(`the reference says ${JSON.stringify(ref)}, want ${basename(file)}, image/png, ${bytes.length} bytes`);
  }
  const kept = join(data, 'attachments', id);
  if (!existsSync(kept)) die(`nothing is stored at attachments/${id}`);
  if (!readFileSync(kept).equals(bytes)) die(`attachments/${id} holds other bytes than ${basename(file)}`);
  const doc = readFileSync(join(data, 'conversations', `${f.conv.id}.json`), 'utf8');
  if (doc.includes(bytes.toString('base64').slice(0, 40))) die('the conversation file holds the image itself, not only its reference');
  console.log(`${ref.name} (${ref.size} bytes) referenced as ${id.slice(0, 19)}…, stored once under attachments/`);
}

// ---- processes ---------------------------------------------------------

/** /proc/PID/stat: name, parent, utime+stime in ticks. */
function stat(path) {
  const s = readFileSync(path, 'utf8');
  const close = s.lastIndexOf(')');
  const name = s.slice(s.indexOf('(') + 1, close);
  const f = s.slice(close + 2).split(' '); // f[0] is field 3 (state)
  return { name, ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) };
}

function roleOf(pid, name) {
  let exe = '';
  try {
    exe = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0];
  } catch {}
  if (/WebKitWebProces/.test(name) || exe.endsWith('/WebKitWebProcess')) return 'web';
  if (/WebKitNetworkPr/.test(name) || exe.endsWith('/WebKitNetworkProcess')) return 'network';
  return 'other';
}

/** root and every process below it. */
function tree(root) {
  const parent = new Map();
  const names = new Map();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const s = stat(`/proc/${d}/stat`);
      parent.set(Number(d), s.ppid);
      names.set(Number(d), s.name);
    } catch {}
  }
  const out = [];
  for (const [pid] of parent) {
    for (let p = pid, hops = 0; p > 1 && hops < 64; p = parent.get(p) ?? 0, hops++) {
      if (p === root) {
        out.push({ pid, name: names.get(pid), role: pid === root ? 'app' : roleOf(pid, names.get(pid)) });
        break;
      }
    }
  }
  return out;
}

function pss(root) {
  const procs = tree(root).map((p) => {
    let kb = 0;
    try {
      const m = readFileSync(`/proc/${p.pid}/smaps_rollup`, 'utf8').match(/^Pss:\s+(\d+) kB/m);
      kb = m ? Number(m[1]) : 0;
    } catch {}
    return { ...p, pssKB: kb };
  });
  return { totalKB: procs.reduce((a, p) => a + p.pssKB, 0), processes: procs };
}

function ticksOf(path) {
  try {
    return stat(path).ticks;
  } catch {
    return null;
  }
}

async function sample(root, xvfb, out, interval) {
  let stop = false;
  process.on('SIGTERM', () => (stop = true));
  let procs = tree(Number(root));
  let lastScan = Date.now();
  while (!stop) {
    if (Date.now() - lastScan > 2000) {
      procs = tree(Number(root)); // WebKit may start a process late
      lastScan = Date.now();
    }
    const s = { t: Date.now(), app: 0, web: 0, webMain: 0, network: 0, other: 0, xvfb: ticksOf(`/proc/${xvfb}/stat`) };
    for (const p of procs) {
      const t = ticksOf(`/proc/${p.pid}/stat`);
      if (t === null) continue;
      s[p.role] += t;
      if (p.role === 'web') s.webMain += ticksOf(`/proc/${p.pid}/task/${p.pid}/stat`) ?? 0;
    }
    appendFileSync(out, JSON.stringify(s) + '\n');
    await sleep(Number(interval));
  }
}

// ---- the benchmark's report --------------------------------------------

const HZ = 100; // USER_HZ: /proc reports CPU time in 1/100 s on Linux

/** The % of one core a counter used between times a and b (ms), from the samples nearest inside. */
function percent(samples, key, a, b) {
  const inside = samples.filter((s) => s.t >= a && s.t <= b && s[key] !== null);
  if (inside.length < 2) return null;
  const first = inside[0];
  const last = inside.at(-1);
  return ((last[key] - first[key]) / HZ) / ((last.t - first.t) / 1000) * 100;
}

function report(samplesFile, marksFile, idleFile, afterFile, out) {
  const samples = readFileSync(samplesFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  const marks = JSON.parse(readFileSync(marksFile, 'utf8'));
  const idle = JSON.parse(readFileSync(idleFile, 'utf8'));
  const after = JSON.parse(readFileSync(afterFile, 'utf8'));
  const keys = ['webMain', 'web', 'app', 'network', 'other', 'xvfb'];
  const streams = marks.streams.map(({ start, end, tokens, pssKBAfter }) => {
    const third = (end - start) / 3;
    const cut = [start, start + third, end - third, end];
    const row = { seconds: (end - start) / 1000, tokens, tokensPerSecond: tokens / ((end - start) / 1000), pssMiBRightAfter: pssKBAfter / 1024 };
    for (const k of keys) {
      row[k] = {
        whole: percent(samples, k, start, end),
        firstThird: percent(samples, k, cut[0], cut[1]),
        lastThird: percent(samples, k, cut[2], cut[3]),
      };
      row[k].lastOverFirst = row[k].firstThird ? row[k].lastThird / row[k].firstThird : null;
    }
    return row;
  });
  const mib = (kb) => kb / 1024;
  const byRole = (p) => Object.fromEntries(['app', 'web', 'network', 'other'].map((r) => [r, mib(p.processes.filter((x) => x.role === r).reduce((a, x) => a + x.pssKB, 0))]));
  const result = {
    machine: marks.machine,
    rate: marks.rate,
    streams,
    pssMiB: { idle: mib(idle.totalKB), afterStreams: mib(after.totalKB), difference: mib(after.totalKB - idle.totalKB), idleByProcess: byRole(idle), afterByProcess: byRole(after) },
    targets: { webMainPercent: 15, lastOverFirst: 1.2, pssIdleMiB: 250, pssGrowthMiB: 30 },
  };
  writeFileSync(out, JSON.stringify(result, null, 2) + '\n');

  const f = (v, d = 1) => (v === null || v === undefined ? '   -' : v.toFixed(d).padStart(6));
  console.log(`bench-desktop: ${marks.machine}; fake API at ${marks.rate} tokens/s; CPU in % of one core`);
  console.log('stream  tokens  tok/s | web main: first  last  last/first | web all  murmur  network  other  Xvfb');
  streams.forEach((s, i) => {
    console.log(`  ${i + 1}     ${String(s.tokens).padStart(5)} ${f(s.tokensPerSecond, 0)} |         ${f(s.webMain.firstThird)} ${f(s.webMain.lastThird)}  ${f(s.webMain.lastOverFirst, 2)}    | ${f(s.web.whole)} ${f(s.app.whole)} ${f(s.network.whole)} ${f(s.other.whole)} ${f(s.xvfb.whole)}`);
  });
  const p = result.pssMiB;
  console.log(`PSS right after each stream (MiB): ${streams.map((s) => s.pssMiBRightAfter.toFixed(0)).join(', ')}`);
  console.log(`PSS of murmur and its WebKit processes: idle ${p.idle.toFixed(0)} MiB, after ${streams.length} streams ${p.afterStreams.toFixed(0)} MiB (${p.difference >= 0 ? '+' : ''}${p.difference.toFixed(0)} MiB)`);
  console.log(`  idle by process (MiB): ${Object.entries(p.idleByProcess).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', ')}`);
  console.log(`  after by process (MiB): ${Object.entries(p.afterByProcess).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', ')}`);
  console.log('targets (issue 11, reported, not asserted): web main <= 15 %, last/first <= 1.2, PSS <= 250 MiB idle, <= +30 MiB after three streams');
}

switch (cmd) {
  case 'reply':
    await reply(...args);
    break;
  case 'attachment':
    attachment(...args);
    break;
  case 'processes':
    for (const p of tree(Number(args[0]))) console.log(`${p.pid} ${p.role} ${p.name}`);
    break;
  case 'pss':
    console.log(JSON.stringify(pss(Number(args[0]))));
    break;
  case 'sample':
    await sample(...args);
    break;
  case 'report':
    report(...args);
    break;
  default:
    die(`unknown command ${cmd ?? '(none)'}: want reply, attachment, processes, pss, sample or report`);
}
