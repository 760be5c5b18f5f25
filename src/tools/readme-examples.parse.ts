import { parse, print } from 'graphql';

/**
 * The README's examples: every ```graphql block is followed by a ```json block holding what the server answers,
 * on the demo data seeded with the `TODAY` the README names (`TODAY=YYYY-MM-DD npm start`). Read by the docs test
 * (which compares) and by `npm run docs:examples` (which rewrites the json blocks).
 */

export interface ReadmeExample {
  /** The heading the example sits under (numbered when a heading holds several). */
  title: string;
  /** 1-based line of the ```graphql fence. */
  line: number;
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

/** Every example, in order. Throws when a ```graphql block is not immediately followed by its ```json block. */
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
    examples.push({ title: b.heading, line: b.line, query: markdown.slice(b.start, b.end), expected, output: { start: next.start, end: next.end } });
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

/** The queries the README sends with curl (`-d '{"query": …}'` in ```sh blocks). */
export function curlQueries(markdown: string): string[] {
  const queries: string[] = [];
  for (const b of blocksOf(markdown).filter((b) => b.lang === 'sh' || b.lang === 'bash')) {
    const text = markdown.slice(b.start, b.end).replace(/\\\n\s*/g, ' ');
    if (!/\bcurl\b/.test(text)) continue;
    for (const m of text.matchAll(/(?:-d|--data(?:-raw)?)\s+'([^']*)'/g)) queries.push((JSON.parse(m[1]) as { query: string }).query);
  }
  return queries;
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
