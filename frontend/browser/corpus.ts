// Texts for the rendering benchmark, generated from a fixed seed so every run
// streams the same thing: a long ordinary reply (prose, lists, code, tables,
// a little math), a 60×60 matrix, and 5,000 inline formulas.

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Cuts text into tokens of the size a model streams (about four characters, leading space kept). */
export function tokens(text: string): string[] {
  return text.match(/\s*\S{1,4}|\s+$/g) ?? [];
}

const words = (
  'the a of to and in is it that for on with as was at by this be are from or have an they which one you were her all ' +
  'there their would what so up out if about who get go me when make can like time no just him know take people into year ' +
  'your good some could them see other than then now look only come its over think also back after use two how our work ' +
  'first well way even new want because any these give day most us stream render block frame token reply parser cache ' +
  'worker formula matrix latency budget buffer channel request response context provider model server client browser'
).split(' ');

function sentence(r: () => number): string {
  const n = 6 + Math.floor(r() * 14);
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    let w = words[Math.floor(r() * words.length)]!;
    const k = r();
    if (k < 0.04) {
      w = `**${w}**`;
    } else if (k < 0.07) {
      w = `*${w}*`;
    } else if (k < 0.1) {
      w = '`' + w + '()`';
    } else if (k < 0.115) {
      w = `[${w}](https://example.com/${w}/${Math.floor(r() * 1000)})`;
    } else if (k < 0.125) {
      w = `$x_{${Math.floor(r() * 50)}}^2$`;
    }
    out.push(w);
  }
  const s = out.join(' ');
  return s[0]!.toUpperCase() + s.slice(1) + '.';
}

function paragraph(r: () => number): string {
  const n = 2 + Math.floor(r() * 4);
  return Array.from({ length: n }, () => sentence(r)).join(' ');
}

const code = {
  go: (r: () => number) =>
    [
      'func handle(ctx context.Context, req *Request) (*Response, error) {',
      `\tif req.Limit > ${Math.floor(r() * 100)} {`,
      '\t\treturn nil, fmt.Errorf("limit %d: too large", req.Limit)',
      '\t}',
      '\tresp, err := client.Do(ctx, req)',
      '\tif err != nil {',
      '\t\treturn nil, fmt.Errorf("send the request: %w", err)',
      '\t}',
      '\treturn resp, nil',
      '}',
    ].join('\n'),
  python: (r: () => number) =>
    [
      'def tokens(text: str, size: int = 4) -> list[str]:',
      '    """Cuts text into pieces."""',
      `    out = []  # ${Math.floor(r() * 1000)}`,
      '    for i in range(0, len(text), size):',
      '        out.append(text[i : i + size])',
      '    return out',
    ].join('\n'),
  ts: (r: () => number) =>
    [
      'export function frame(render: () => void): () => void {',
      '  let queued = false;',
      '  return () => {',
      '    if (queued) return;',
      '    queued = true;',
      `    requestAnimationFrame(() => { queued = false; render(); }); // ${Math.floor(r() * 100)}`,
      '  };',
      '}',
    ].join('\n'),
};

/** A long, ordinary reply: headings, prose, lists, code, tables, quotes and some math. */
export function ordinaryReply(minTokens: number, seed = 1): string {
  const r = rng(seed);
  let text = '';
  let section = 0;
  while (tokens(text).length < minTokens) {
    section++;
    text += `## Section ${section}: ${sentence(r).slice(0, -1).toLowerCase()}\n\n`;
    text += paragraph(r) + '\n\n';
    const k = r();
    if (k < 0.3) {
      for (let i = 0; i < 3 + Math.floor(r() * 4); i++) {
        text += `- ${sentence(r)}\n`;
      }
      text += '\n';
    } else if (k < 0.5) {
      for (let i = 1; i <= 3 + Math.floor(r() * 3); i++) {
        text += `${i}. ${sentence(r)}\n`;
      }
      text += '\n';
    }
    if (r() < 0.35) {
      const langs = Object.keys(code) as Array<keyof typeof code>;
      const lang = langs[Math.floor(r() * langs.length)]!;
      text += '```' + lang + '\n' + code[lang](r) + '\n```\n\n';
    }
    if (r() < 0.15) {
      text += '| name | value | note |\n|---|---:|---|\n';
      for (let i = 0; i < 4; i++) {
        text += `| ${words[Math.floor(r() * words.length)]} | ${Math.floor(r() * 10000)} | ${sentence(r)} |\n`;
      }
      text += '\n';
    }
    if (r() < 0.12) {
      text += `$$\n\\sum_{i=1}^{${Math.floor(r() * 100)}} \\frac{a_i}{b_i + ${Math.floor(r() * 9)}} = \\int_0^1 f(x)\\,dx\n$$\n\n`;
    }
    if (r() < 0.1) {
      text += `> ${sentence(r)}\n> ${sentence(r)}\n\n`;
    }
    text += paragraph(r) + '\n\n';
  }
  return text;
}

/** A 60×60 matrix (about 7 KB of TeX) between two stretches of prose. */
export function matrixReply(size = 60, after = 1_000): string {
  const r = rng(7);
  const rows: string[] = [];
  for (let i = 0; i < size; i++) {
    rows.push(Array.from({ length: size }, (_, j) => String((i * 7 + j * 3) % 10)).join('&'));
  }
  let text = `Here is the ${size}×${size} matrix you asked for:\n\n$$\n\\begin{bmatrix}\n${rows.join('\\\\\n')}\n\\end{bmatrix}\n$$\n\n`;
  let tail = '';
  while (tokens(tail).length < after) {
    tail += paragraph(r) + '\n\n';
  }
  text += tail;
  return text;
}

/** n distinct inline formulas, fifty to a paragraph. */
export function inlineFormulas(n = 5_000): string {
  let text = '';
  for (let i = 0; i < n; i++) {
    text += `$x_{${i}}^{2} + \\alpha_{${i % 97}}$ `;
    if (i % 50 === 49) {
      text += '\n\n';
    }
  }
  return text;
}

/** One code block that never ends while it streams: n lines of Go. */
export function longCode(lines = 2_000): string {
  let text = 'The whole file:\n\n```go\n';
  for (let i = 0; i < lines; i++) {
    text += `\tresult${i} := compute(ctx, "item-${i}", ${i * 7 % 100}) // step ${i}\n`;
  }
  return text + '```\n\nThat is all.\n';
}

/** One list of n items: a single top-level block that keeps growing. */
export function longList(items = 1_000): string {
  let text = 'Here are the items:\n\n';
  for (let i = 1; i <= items; i++) {
    text += `${i}. Item ${i}: **${i % 7 === 0 ? 'special' : 'plain'}** with \`code ${i}\` and a [link](https://example.com/${i}).\n`;
  }
  return text + '\nDone.\n';
}
