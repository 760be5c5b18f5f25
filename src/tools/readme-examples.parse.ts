import { parse, print } from 'graphql';

/**
 * The README's examples: every ```graphql block is followed by a ```json block holding what the server answers,
 * on the demo data seeded with the `TODAY` the README names (`TODAY=YYYY-MM-DD npm start`). Read by the docs test
 * (which compares) and by `npm run docs:examples` (which rewrites the json blocks).
 *
 * Every example names the token it is sent with on its first line, a GraphQL comment:
 * `# Authorization: Bearer $ADMIN_TOKEN`, `$VIEWER_TOKEN` or `$EDITOR_TOKEN` — the demo tokens `npm start` prints
 * (src/access/access.demo.ts: the VIEWER's scope is the whole tree, the EDITOR's DBTC, Đảng bộ Bộ Tài chính). An
 * example without one is refused.
 */

/** The demo tokens an example may be sent with (`$ADMIN_TOKEN`, `$VIEWER_TOKEN`, `$EDITOR_TOKEN`). */
export const EXAMPLE_TOKENS = ['ADMIN', 'VIEWER', 'EDITOR'] as const;
export type ExampleToken = (typeof EXAMPLE_TOKENS)[number];

const TOKEN_LINE = /^#\s*Authorization:\s*Bearer\s+\$([A-Z]+)_TOKEN\s*$/;

export interface ReadmeExample {
  /** The heading the example sits under (numbered when a heading holds several). */
  title: string;
  /** 1-based line of the ```graphql fence. */
  line: number;
  /** The demo token it is sent with (its first line, `# Authorization: Bearer $ADMIN_TOKEN`). */
  token: ExampleToken;
  query: string;
  /** The json block parsed, or why it does not parse. */
  expected: { ok: true; value: unknown } | { ok: false; error: string };
  /** Offsets of the json block's content (between its fences) in the README. */
  output: { start: number; end: number };
}

interface Block {
  lang: string;
  line: number;
  /** Offsets of the fence line's start, the content's start and end, and the closing fence line's end. */
  open: number;
  start: number;
  end: number;
  close: number;
  heading: string;
}

function blocksOf(markdown: string): Block[] {
  const blocks: Block[] = [];
  let offset = 0;
  let heading = '(top)';
  let current: Omit<Block, 'end' | 'close'> | null = null;
  markdown.split('\n').forEach((text, i) => {
    const lineEnd = offset + text.length + 1;
    const fence = /^```\s*([\w-]*)\s*$/.exec(text);
    if (current) {
      if (fence && !fence[1]) {
        blocks.push({ ...current, end: offset, close: Math.min(lineEnd, markdown.length) });
        current = null;
      }
    } else if (fence) {
      current = { lang: fence[1], line: i + 1, open: offset, start: Math.min(lineEnd, markdown.length), heading };
    } else {
      const h = /^#{1,6}\s+(.*?)\s*$/.exec(text);
      if (h) heading = h[1];
    }
    offset = lineEnd;
  });
  if (current) throw new Error(`README line ${(current as Block).line}: a code block is never closed.`);
  return blocks;
}

/** Which demo token a ```graphql block names on its first line; throws when it names none. */
function tokenOf(query: string, line: number): ExampleToken {
  const first = query.split('\n').find((l) => l.trim() !== '')?.trim() ?? '';
  const m = TOKEN_LINE.exec(first);
  const known = EXAMPLE_TOKENS.map((t) => `$${t}_TOKEN`).join(', ');
  if (!m) throw new Error(`README line ${line}: a \`\`\`graphql example must start with the token it is sent with, a comment "# Authorization: Bearer $ADMIN_TOKEN" (one of ${known}).`);
  if (!(EXAMPLE_TOKENS as readonly string[]).includes(m[1])) throw new Error(`README line ${line}: unknown token $${m[1]}_TOKEN (one of ${known}).`);
  return m[1] as ExampleToken;
}

/**
 * Every example, in order. Throws when a ```graphql block is not immediately followed by its ```json block, or does
 * not start with the token it is sent with.
 */
export function readmeExamples(markdown: string): ReadmeExample[] {
  const blocks = blocksOf(markdown);
  const examples: ReadmeExample[] = [];
  blocks.forEach((b, i) => {
    if (b.lang !== 'graphql') return;
    const next = blocks[i + 1];
    if (!next || next.lang !== 'json' || markdown.slice(b.close, next.open).trim() !== '') {
      throw new Error(`README line ${b.line}: a \`\`\`graphql block must be followed by its \`\`\`json output block (npm run docs:examples fills an empty one).`);
    }
    const text = markdown.slice(next.start, next.end);
    let expected: ReadmeExample['expected'];
    try {
      expected = { ok: true, value: JSON.parse(text) };
    } catch (err) {
      expected = { ok: false, error: `the json block at line ${next.line} does not parse: ${(err as Error).message}` };
    }
    const query = markdown.slice(b.start, b.end);
    examples.push({ title: b.heading, line: b.line, token: tokenOf(query, b.line), query, expected, output: { start: next.start, end: next.end } });
  });
  const seen = new Map<string, number>();
  for (const e of examples) seen.set(e.title, (seen.get(e.title) ?? 0) + 1);
  const numbered = new Map<string, number>();
  for (const e of examples) {
    if (seen.get(e.title)! > 1) {
      const n = (numbered.get(e.title) ?? 0) + 1;
      numbered.set(e.title, n);
      e.title = `${e.title} (${n})`;
    }
  }
  return examples;
}

/** The TODAY the examples were run with, from `TODAY=YYYY-MM-DD npm start` (every mention must agree). */
export function readmeToday(markdown: string): string {
  const dates = new Set([...markdown.matchAll(/\bTODAY=(\d{4}-\d{2}-\d{2}) npm start\b/g)].map((m) => m[1]));
  if (dates.size !== 1) {
    throw new Error(`The README must name the TODAY of its examples once as \`TODAY=YYYY-MM-DD npm start\`; found ${dates.size ? [...dates].join(', ') : 'none'}.`);
  }
  return [...dates][0];
}

/**
 * The queries the README sends with curl (`-d '{"query": …}'` in ```sh blocks), each with the demo token of its
 * `-H "Authorization: Bearer $ADMIN_TOKEN"` (null: the command sends none).
 */
export function curlQueries(markdown: string): { query: string; token: string | null }[] {
  const queries: { query: string; token: string | null }[] = [];
  for (const b of blocksOf(markdown).filter((b) => b.lang === 'sh' || b.lang === 'bash')) {
    const text = markdown.slice(b.start, b.end).replace(/\\\n\s*/g, ' ');
    for (const command of text.split('\n')) {
      if (!/\bcurl\b/.test(command)) continue;
      const token = /-H\s+["']Authorization:\s*Bearer\s+\$([A-Z]+)_TOKEN["']/i.exec(command)?.[1] ?? null;
      for (const m of command.matchAll(/(?:-d|--data(?:-raw)?)\s+'([^']*)'/g)) queries.push({ query: (JSON.parse(m[1]) as { query: string }).query, token });
    }
  }
  return queries;
}

/**
 * What the README shows of a response: all of it but `extensions.cost` (every response carries it; its budget and
 * reset time change from one request to the next).
 */
export function documented(body: unknown): unknown {
  if (typeof body !== 'object' || body === null || !('extensions' in body)) return body;
  const { extensions, ...rest } = body as { extensions?: Record<string, unknown> };
  const { cost: _cost, ...others } = extensions ?? {};
  return Object.keys(others).length ? { ...rest, extensions: others } : rest;
}

/** Whether two documents are the same operation (layout and comments aside). */
export function sameQuery(a: string, b: string): boolean {
  return print(parse(a)) === print(parse(b));
}

/** The README with each example's json block replaced by `outputs[i]` (already formatted, without a final newline). */
export function withOutputs(markdown: string, examples: ReadmeExample[], outputs: string[]): string {
  let out = markdown;
  for (let i = examples.length - 1; i >= 0; i--) {
    const { start, end } = examples[i].output;
    out = out.slice(0, start) + outputs[i] + '\n' + out.slice(end);
  }
  return out;
}
