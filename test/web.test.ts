import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Server } from 'node:http';
import express from 'express';
import { Kind, parse, print, visit } from 'graphql';
import { startTestApp, type TestApp } from './support/harness';
import { readmeExamples } from '../src/tools/readme-examples.parse';
import { namedQuery } from '../src/web/graphiql/examples';
import { projectRoot, README_EXAMPLES_FILE, webDist } from '../src/web/web.paths';
import { webRoutes } from '../src/web/web.routes';

/**
 * The browser apps as built by `npm run build:web` (npm test builds them first: its `pretest`) and served by
 * src/web/web.routes.ts: every file a page loads comes from this server, none from a CDN.
 */
const dist = webDist();
const built = fs.existsSync(path.join(dist, 'dashboard', 'index.html')) && fs.existsSync(path.join(dist, 'graphiql', 'index.html'));

/** Origins a page must never load from: the usual CDNs and font services. */
const CDN = /(?:\/\/|\b)(?:unpkg\.com|cdn\.jsdelivr\.net|fastly\.jsdelivr\.net|esm\.sh|esm\.run|cdnjs\.cloudflare\.com|fonts\.googleapis\.com|fonts\.gstatic\.com|ajax\.googleapis\.com|cdn\.skypack\.dev|ga\.jspm\.io|jspm\.dev|code\.jquery\.com|stackpath\.bootstrapcdn\.com|maxcdn\.bootstrapcdn\.com|use\.fontawesome\.com|kit\.fontawesome\.com|cdn\.[a-z0-9-]+\.[a-z]+)\b|\/\/cdn[.-]/i;
/** URLs in the forms a browser would fetch them: CSS url()/@import, script/worker loading, import(). */
const LOADS = [
  /url\(\s*["']?((?:https?:)?\/\/[^"')\s]+)/gi,
  /@import\s+(?:url\()?\s*["']?((?:https?:)?\/\/[^"')\s;]+)/gi,
  /importScripts\(\s*["'`]((?:https?:)?\/\/[^"'`]+)/gi,
  /new\s+(?:Shared)?Worker\(\s*["'`]((?:https?:)?\/\/[^"'`]+)/gi,
  /import\(\s*["'`]((?:https?:)?\/\/[^"'`]+)/gi,
  /\bfrom\s*["'`]((?:https?:)?\/\/[^"'`]+)/gi,
  /(?:src|href)\s*=\s*["']((?:https?:)?\/\/[^"']+)/gi,
];

/** Where a built file would reach outside this server: CDN names anywhere, and any remote URL in a loading position. */
function externalLoads(text: string): string[] {
  const found: string[] = [];
  const cdn = CDN.exec(text);
  if (cdn) found.push(text.slice(Math.max(0, cdn.index - 40), cdn.index + 60));
  for (const re of LOADS) for (const m of text.matchAll(re)) if (!/^(?:https?:)?\/\/(?:localhost|127\.0\.0\.1)(?:[:/]|$)/.test(m[1])) found.push(m[0]);
  return found;
}

/** The files the build wrote that a browser can load (maps and licence texts aside). */
function shippedFiles(): string[] {
  return fs
    .readdirSync(dist, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile() && /\.(?:js|css|html)$/.test(d.name))
    .map((d) => path.join(d.parentPath, d.name))
    .filter((f) => !path.relative(dist, f).startsWith('.'));
}

/** The local files a page or bundle refers to: script/link in HTML, imports and /web/ URLs in JS, url() in CSS. */
function referencesOf(body: string, type: string, base: string): string[] {
  const refs = new Set<string>();
  const add = (ref: string) => {
    if (/^(?:data:|blob:|#|mailto:)/.test(ref) || /^(?:[a-z]+:)?\/\//i.test(ref)) return;
    refs.add(new URL(ref, base).pathname);
  };
  if (type.startsWith('text/html')) {
    for (const m of body.matchAll(/<(?:script|link)\b[^>]*\b(?:src|href)="([^"]+)"/g)) add(m[1]);
  } else if (type.startsWith('text/css')) {
    for (const m of body.matchAll(/url\(\s*["']?([^"')\s]+)/g)) add(m[1]);
  } else {
    for (const m of body.matchAll(/["'`](\/web\/[^"'`\s]+)["'`]/g)) add(m[1]);
    for (const m of body.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)["'`](\.\.?\/[^"'`\s]+\.(?:js|css))["'`]/g)) add(m[1]);
  }
  return [...refs];
}

describe('the web pages', () => {
  let app: TestApp;
  beforeAll(async () => {
    if (!built) throw new Error(`No built pages in ${dist}: run npm run build:web (npm test does it first).`);
    app = await startTestApp();
  });
  afterAll(() => app?.close());

  it.each([
    ['/', 'Tiến độ đại hội'],
    ['/graphiql', 'GraphiQL'],
  ])('%s answers its page with a policy allowing this server only', async (route, title) => {
    const res = await fetch(`${app.url}${route}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const csp = res.headers.get('content-security-policy') ?? '';
    const host = new URL(app.url).host;
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain(`connect-src 'self' ws://${host} wss://${host}`);
    expect(csp).toContain("img-src 'self' data: blob:");
    expect(csp).toContain("worker-src 'self' blob:");
    expect(csp).toContain("frame-ancestors 'none'");
    // No inline script anywhere; the dashboard allows no inline style either (GraphiQL's editor needs them).
    expect(csp).not.toMatch(/script-src[^;]*(?:'unsafe-inline'|'unsafe-eval')/);
    expect(csp).toMatch(route === '/' ? /style-src 'self';/ : /style-src 'self' 'unsafe-inline';/);
    // No other origin anywhere in the policy.
    expect(csp.replaceAll(`ws://${host}`, '').replaceAll(`wss://${host}`, '')).not.toMatch(/[a-z]+:\/\/|\*/);
    const html = await res.text();
    expect(html).toContain(title);
    expect(externalLoads(html)).toEqual([]);
    // Scripts by URL only, no inline handler or style attribute: the policy would refuse them.
    expect(html.match(/<script\b(?![^>]*\bsrc=)[^>]*>/g)).toBeNull();
    expect(html.match(/\son[a-z]+\s*=/gi)).toBeNull();
    if (route === '/') expect(html.match(/\sstyle\s*=/gi)).toBeNull();
  });

  it('serves every file the pages load, transitively, from /web with its type and a long cache', async () => {
    const seen = new Map<string, string>();
    const queue = ['/', '/graphiql'];
    while (queue.length) {
      const route = queue.shift()!;
      if (seen.has(route)) continue;
      const res = await fetch(`${app.url}${route}`);
      const type = res.headers.get('content-type') ?? '';
      seen.set(route, `${res.status} ${type}`);
      expect({ route, status: res.status }).toEqual({ route, status: 200 });
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      if (route.startsWith('/web/')) {
        expect(route).toMatch(/^\/web\/(?:dashboard|graphiql)\//);
        expect({ route, cache: res.headers.get('cache-control') }).toEqual({ route, cache: 'public, max-age=31536000, immutable' });
        const expected = route.endsWith('.js') ? /^(?:text|application)\/javascript/ : route.endsWith('.css') ? /^text\/css/ : /^(?:font|image)\//;
        expect({ route, type }).toEqual({ route, type: expect.stringMatching(expected) });
      }
      if (/^(?:text\/html|text\/css|text\/javascript|application\/javascript)/.test(type)) {
        queue.push(...referencesOf(await res.text(), type, `${app.url}${route}`));
      } else {
        await res.arrayBuffer();
      }
    }
    const files = [...seen.keys()];
    // The dashboard's script and style, GraphiQL's script, its style, its lazy chunks and its three Monaco workers.
    expect(files.filter((f) => /^\/web\/dashboard\/main-[A-Z0-9]{8}\.js$/.test(f))).toHaveLength(1);
    expect(files.filter((f) => /^\/web\/graphiql\/main-[A-Z0-9]{8}\.(?:js|css)$/.test(f))).toHaveLength(2);
    for (const worker of ['editor', 'json', 'graphql']) expect(files.filter((f) => f.startsWith(`/web/graphiql/${worker}.worker-`))).toHaveLength(1);
    expect(files.filter((f) => f.startsWith('/web/graphiql/chunks/')).length).toBeGreaterThan(3);
  });

  it('answers 404 for a file the build did not make, and never serves the build folders', async () => {
    for (const route of ['/web/graphiql/nothing-AAAAAAAA.js', '/web/.graphiql.building/index.html', '/web/../package.json']) {
      const res = await fetch(`${app.url}${route}`);
      expect({ route, status: res.status }).toEqual({ route, status: 404 });
      await res.arrayBuffer();
    }
  });

  it('keeps /schema.graphql (GraphiQL builds its schema from it when introspection is refused)', async () => {
    const res = await fetch(`${app.url}/schema.graphql`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('type Query');
  });
});

describe('the built bundles', () => {
  beforeAll(() => {
    if (!built) throw new Error(`No built pages in ${dist}: run npm run build:web (npm test does it first).`);
  });

  it('load nothing from a CDN or any other origin', () => {
    const files = shippedFiles();
    expect(files.length).toBeGreaterThan(10);
    const offending = files.flatMap((f) => externalLoads(fs.readFileSync(f, 'utf8')).map((hit) => `${path.relative(dist, f)}: ${hit}`));
    expect(offending).toEqual([]);
  });

  it('the dashboard never parses text as HTML (what the API says is inserted as text)', () => {
    const js = fs
      .readdirSync(path.join(dist, 'dashboard'))
      .filter((f) => f.endsWith('.js'))
      .map((f) => fs.readFileSync(path.join(dist, 'dashboard', f), 'utf8'));
    expect(js.length).toBeGreaterThan(0);
    for (const text of js) expect(text.match(/\.(?:inner|outer)HTML\s*=|insertAdjacentHTML|document\.write|createContextualFragment|DOMParser/g)).toBeNull();
  });

  it('the scan finds what it looks for', () => {
    expect(externalLoads('import x from "https://esm.sh/monaco-editor@0.52.2/esm/vs/language/json/json.worker.js?worker";')).not.toEqual([]);
    expect(externalLoads('@font-face{src:url(https://fonts.gstatic.com/s/roboto.woff2)}')).not.toEqual([]);
    expect(externalLoads('@import url("//cdn.example.org/x.css");')).not.toEqual([]);
    expect(externalLoads('<script src="https://unpkg.com/graphiql/graphiql.min.js"></script>')).not.toEqual([]);
    expect(externalLoads('a{background:url(https://example.org/x.png)}')).not.toEqual([]);
    expect(externalLoads('importScripts("https://example.org/worker.js")')).not.toEqual([]);
    // Text that only names a URL (a licence, a documentation link) is no load.
    expect(externalLoads('throw Error("see https://react.dev/errors/418"); a{background:url(data:image/png;base64,AAAA)}')).toEqual([]);
  });

  it('embed the README examples exactly as src/tools/readme-examples.parse.ts reads them', () => {
    const readme = fs.readFileSync(path.join(projectRoot(__dirname), 'README.md'), 'utf8');
    const expected = readmeExamples(readme).map(({ title, line, token, query }) => ({ title, line, token, query }));
    const embedded = JSON.parse(fs.readFileSync(path.join(dist, README_EXAMPLES_FILE), 'utf8'));
    expect(embedded).toEqual(expected);
    expect(expected.length).toBeGreaterThan(5);
    // ... and the bundle holds them (the page's tabs and its examples pane are made from this file).
    const js = fs
      .readdirSync(path.join(dist, 'graphiql'), { recursive: true, withFileTypes: true })
      .filter((d) => d.isFile() && d.name.endsWith('.js'))
      .map((d) => fs.readFileSync(path.join(d.parentPath, d.name), 'utf8'))
      .join('\n');
    for (const e of expected) expect({ title: e.title, inBundle: js.includes(e.title) }).toEqual({ title: e.title, inBundle: true });
  });

  it('open each example as the README has it, only named after its heading (so its tab has a title)', () => {
    const readme = fs.readFileSync(path.join(projectRoot(__dirname), 'README.md'), 'utf8');
    const taken = new Set<string>();
    for (const e of readmeExamples(readme)) {
      const named = namedQuery(e, taken);
      const doc = parse(named);
      const ops = doc.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
      expect(ops).toHaveLength(1);
      const name = ops[0].kind === Kind.OPERATION_DEFINITION ? ops[0].name?.value : undefined;
      expect(name).toMatch(/^[A-Za-z_][A-Za-z0-9_]*$/);
      const anonymous = visit(doc, { OperationDefinition: (node) => ({ ...node, name: undefined }) });
      expect(print(anonymous)).toEqual(print(parse(e.query)));
      // Comments (the token line) stay where the README has them.
      expect(named.split('\n')[0]).toBe(e.query.split('\n')[0]);
    }
    expect(taken.size).toBe(readmeExamples(readme).length);
  });
});

describe('without a build', () => {
  let server: Server;
  let url: string;
  let empty: string;
  beforeAll(async () => {
    empty = fs.mkdtempSync(path.join(os.tmpdir(), 'daihoi-web-'));
    const app = express();
    app.use(webRoutes({ dir: empty }));
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const address = server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    fs.rmSync(empty, { recursive: true, force: true });
  });

  it.each(['/', '/graphiql'])('%s answers 503 saying how to build the pages', async (route) => {
    const res = await fetch(`${url}${route}`);
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await res.text()).toContain('run npm run build:web');
  });
});
