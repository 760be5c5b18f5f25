import { Kind, parse, type OperationDefinitionNode } from 'graphql';

/** One README example as the build embeds it (src/web/build.ts, from src/tools/readme-examples.parse.ts). */
export interface EmbeddedExample {
  title: string;
  /** Its line in the README. */
  line: number;
  /** The demo token it is written for (`# Authorization: Bearer $ADMIN_TOKEN`). */
  token: string;
  query: string;
}

/** A GraphQL name from a heading: "Who was late on 15 April 2025" → `WhoWasLateOn15April2025`, diacritics folded. */
export function operationNameOf(title: string, max = 48): string {
  const words = title
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, (c) => (c === 'đ' ? 'd' : 'D'))
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
  let name = '';
  for (const w of words) {
    const next = name + w[0].toUpperCase() + w.slice(1);
    if (name && next.length > max) break;
    name = next;
  }
  if (!/^[A-Za-z_]/.test(name)) name = `Example${name}`;
  return name;
}

/**
 * The example as GraphiQL opens it: the README's text, but its one anonymous operation named after its heading, so
 * its tab shows a title (GraphiQL names a tab after its operation). A document that already names its operation,
 * holds several, or does not parse is left as it is. `taken` keeps the names unique.
 */
export function namedQuery(example: EmbeddedExample, taken: Set<string> = new Set()): string {
  let ops: OperationDefinitionNode[];
  try {
    ops = parse(example.query).definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  } catch {
    return example.query;
  }
  if (ops.length !== 1 || ops[0].name || !ops[0].loc) return example.query;
  const base = operationNameOf(example.title);
  let name = base;
  for (let n = 2; taken.has(name); n++) name = `${base}${n}`;
  taken.add(name);
  const op = ops[0];
  const start = op.loc!.start;
  const q = example.query;
  // `{ ... }` (the shorthand) becomes `query Name { ... }`; `query { ... }` / `mutation(...)` get the name after the keyword.
  if (q[start] === '{') return `${q.slice(0, start)}query ${name} ${q.slice(start)}`;
  const keyword = /^(query|mutation|subscription)/.exec(q.slice(start))![0];
  const after = start + keyword.length;
  return `${q.slice(0, after)} ${name}${q.slice(after)}`;
}
