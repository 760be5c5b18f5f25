/**
 * Builds the browser apps into dist/web, every byte they need included: no CDN, no font service, nothing fetched
 * from outside the machine (the service runs on closed networks).
 *
 *   dist/web/dashboard/  index.html + main-<hash>.js/.css (src/web/dashboard: main.ts, style.css, index.html)
 *   dist/web/graphiql/   index.html + main-<hash>.js/.css + chunks/ + the Monaco workers (editor, json, graphql)
 *                        + readme-examples.json (the README's examples, which the bundle embeds as its tabs)
 *
 * Run with `npm run build:web` (esbuild bundles this file for Node and runs it); `-- --dev` skips minification.
 * Each app is built into a fresh folder that replaces the old one, so stale hashed files never pile up.
 * A source index.html names its assets by their source names — `<script type="module" src="main.js">`,
 * `<link rel="stylesheet" href="style.css">` — and the build rewrites them to the hashed URLs under /web/<app>/
 * (adding the CSS the scripts import); a page that names none gets them injected before `</head>`.
 */
import fs from 'node:fs';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { readmeExamples } from '../tools/readme-examples.parse';
import { projectRoot, README_EXAMPLES_FILE, WEB_PREFIX, webDist, type WebApp } from './web.paths';

const dev = process.argv.includes('--dev');
const root = projectRoot(__dirname);
const srcWeb = path.join(root, 'src', 'web');
const outWeb = webDist(root);

/** What the pages may rely on: browsers of the last few years (ES2020 modules, CSS nesting not assumed). */
const TARGET = ['chrome100', 'edge100', 'firefox100', 'safari15'];

function common(app: WebApp, outdir: string): esbuild.BuildOptions {
  return {
    bundle: true,
    outdir,
    minify: !dev,
    sourcemap: 'linked',
    // Licence comments go to <file>.LEGAL.txt beside each bundle, linked from it.
    legalComments: 'linked',
    charset: 'utf8',
    target: TARGET,
    metafile: true,
    logLevel: 'warning',
    publicPath: `${WEB_PREFIX}/${app}/`,
    entryNames: '[name]-[hash]',
    chunkNames: 'chunks/[name]-[hash]',
    assetNames: 'assets/[name]-[hash]',
    // Fonts and images are files of the bundle (or inlined by the packages' own CSS), never fetched from elsewhere.
    loader: { '.ttf': 'file', '.woff': 'file', '.woff2': 'file', '.eot': 'file', '.svg': 'file', '.png': 'file', '.gif': 'file' },
    define: { 'process.env.NODE_ENV': JSON.stringify(dev ? 'development' : 'production') },
  };
}

/** The URL of an output file (`dist/web/<app>/x.js` → `/web/<app>/x.js`). */
function urlOf(app: WebApp, outdir: string, file: string): string {
  return `${WEB_PREFIX}/${app}/${path.relative(outdir, path.resolve(root, file)).split(path.sep).join('/')}`;
}

/** An entry point's outputs: its script and the CSS it pulls in (its own, or imported by its script). */
function outputsOf(meta: esbuild.Metafile, entry: string): { js?: string; css: string[] } {
  const wanted = path.relative(root, entry).split(path.sep).join('/');
  const found: { js?: string; css: string[] } = { css: [] };
  for (const [file, out] of Object.entries(meta.outputs)) {
    if (out.entryPoint !== wanted) continue;
    if (file.endsWith('.js')) {
      found.js = file;
      if (out.cssBundle) found.css.push(out.cssBundle);
    } else if (file.endsWith('.css')) found.css.push(file);
  }
  return found;
}

/**
 * The page with its source names replaced by the built files' URLs: `main.js` (or .ts/.tsx) by the script,
 * `main.css` by the CSS the script imports, `style.css` by the style sheet entry. What the page does not name is
 * added before `</head>`, style sheets first.
 */
function page(html: string, assets: { script: string; mainCss: string[]; styleCss: string[] }): string {
  const used = new Set<string>();
  const link = (u: string) => `<link rel="stylesheet" href="${u}">`;
  let out = html.replace(/<script\b[^>]*\bsrc="(?:\.\/)?main\.(?:js|ts|tsx)"[^>]*>\s*<\/script>/g, () => {
    if (used.has('script')) return '';
    used.add('script');
    return `<script type="module" src="${assets.script}"></script>`;
  });
  out = out.replace(/<link\b[^>]*\bhref="(?:\.\/)?(main|style)\.css"[^>]*>/g, (_tag, name: 'main' | 'style') => {
    if (used.has(name)) return '';
    used.add(name);
    return (name === 'main' ? assets.mainCss : assets.styleCss).map(link).join('');
  });
  const missing = [
    ...(used.has('style') ? [] : assets.styleCss.map(link)),
    ...(used.has('main') ? [] : assets.mainCss.map(link)),
    ...(used.has('script') ? [] : [`<script type="module" src="${assets.script}"></script>`]),
  ];
  if (missing.length) {
    if (!/<\/head>/i.test(out)) throw new Error('index.html has no </head> to add the scripts and styles to.');
    out = out.replace(/<\/head>/i, `${missing.join('\n')}\n</head>`);
  }
  return out;
}

/** Builds into a fresh folder, then swaps it in place of the old one (two builds at once each finish whole). */
async function buildApp(app: WebApp, build: (outdir: string) => Promise<void>): Promise<void> {
  const final = path.join(outWeb, app);
  const fresh = path.join(outWeb, `.${app}.building-${process.pid}`);
  const old = path.join(outWeb, `.${app}.old-${process.pid}`);
  fs.rmSync(fresh, { recursive: true, force: true });
  fs.mkdirSync(fresh, { recursive: true });
  try {
    await build(fresh);
    for (let attempt = 1; ; attempt++) {
      fs.rmSync(old, { recursive: true, force: true });
      if (fs.existsSync(final)) fs.renameSync(final, old);
      try {
        fs.renameSync(fresh, final);
        break;
      } catch (err) {
        // Another build put its folder in place meanwhile: move it aside too.
        if (attempt >= 3 || !['ENOTEMPTY', 'EEXIST'].includes((err as NodeJS.ErrnoException).code ?? '')) throw err;
      }
    }
  } finally {
    fs.rmSync(fresh, { recursive: true, force: true });
    fs.rmSync(old, { recursive: true, force: true });
  }
}

async function buildDashboard(outdir: string): Promise<void> {
  const dir = path.join(srcWeb, 'dashboard');
  const main = path.join(dir, 'main.ts');
  const style = path.join(dir, 'style.css');
  const entries = [main, ...(fs.existsSync(style) ? [style] : [])];
  const result = await esbuild.build({ ...common('dashboard', outdir), entryPoints: entries, format: 'esm' });
  const { js, css } = outputsOf(result.metafile!, main);
  if (!js) throw new Error('The dashboard bundle is missing from the build\'s outputs.');
  const url = (f: string) => urlOf('dashboard', outdir, f);
  const html = fs.readFileSync(path.join(dir, 'index.html'), 'utf8');
  const assets = { script: url(js), mainCss: css.map(url), styleCss: entries.length > 1 ? outputsOf(result.metafile!, style).css.map(url) : [] };
  fs.writeFileSync(path.join(outdir, 'index.html'), page(html, assets));
}

/** The Monaco workers GraphiQL's editors run in, each its own classic-script bundle. */
const WORKERS = {
  editor: 'monaco-editor/esm/vs/editor/editor.worker.js',
  json: 'monaco-editor/esm/vs/language/json/json.worker.js',
  graphql: 'monaco-graphql/esm/graphql.worker.js',
} as const;

/** Modules the GraphiQL bundle imports that the build makes: the workers' URLs and the README's examples. */
function generated(workers: Record<keyof typeof WORKERS, string>, examplesFile: string): esbuild.Plugin {
  return {
    name: 'daihoi-generated',
    setup(b) {
      b.onResolve({ filter: /^daihoi:workers$/ }, () => ({ path: 'workers', namespace: 'daihoi' }));
      b.onLoad({ filter: /^workers$/, namespace: 'daihoi' }, () => ({ contents: JSON.stringify(workers), loader: 'json' }));
      b.onResolve({ filter: /^daihoi:readme-examples$/ }, () => ({ path: examplesFile }));
      // Monaco's modules import their own CSS, which graphiql/style.css already holds whole (codicon font inlined):
      // bundled again it would only make unused copies beside the lazily loaded chunks.
      b.onResolve({ filter: /\.css$/ }, (args) => (/[\\/]node_modules[\\/]monaco-editor[\\/]/.test(args.importer) ? { path: args.path, namespace: 'daihoi-none' } : undefined));
      b.onLoad({ filter: /.*/, namespace: 'daihoi-none' }, () => ({ contents: '', loader: 'js' }));
    },
  };
}

async function buildGraphiql(outdir: string): Promise<void> {
  const dir = path.join(srcWeb, 'graphiql');
  const resolveDir = root;
  const workerEntries = Object.fromEntries(
    Object.entries(WORKERS).map(([name, spec]) => [`${name}.worker`, require.resolve(spec, { paths: [resolveDir] })]),
  );
  const w = await esbuild.build({ ...common('graphiql', outdir), entryPoints: workerEntries, format: 'iife' });
  const workers = Object.fromEntries(
    Object.entries(workerEntries).map(([name, entry]) => {
      const js = outputsOf(w.metafile!, entry).js;
      if (!js) throw new Error(`The ${name} bundle is missing from the build's outputs.`);
      return [name.replace(/\.worker$/, ''), urlOf('graphiql', outdir, js)];
    }),
  ) as Record<keyof typeof WORKERS, string>;

  // The README's examples, parsed as the docs test parses them: what GraphiQL opens as tabs cannot drift from the README.
  const examples = readmeExamples(fs.readFileSync(path.join(root, 'README.md'), 'utf8')).map(({ title, line, token, query }) => ({ title, line, token, query }));
  const examplesFile = path.join(outdir, path.basename(README_EXAMPLES_FILE));
  fs.writeFileSync(examplesFile, JSON.stringify(examples, null, 2) + '\n');

  const main = path.join(dir, 'main.tsx');
  const result = await esbuild.build({
    ...common('graphiql', outdir),
    entryPoints: [main],
    format: 'esm',
    splitting: true,
    jsx: 'automatic',
    plugins: [generated(workers, examplesFile)],
  });
  const { js, css } = outputsOf(result.metafile!, main);
  if (!js) throw new Error('The GraphiQL bundle is missing from the build\'s outputs.');
  const url = (f: string) => urlOf('graphiql', outdir, f);
  const html = fs.readFileSync(path.join(dir, 'index.html'), 'utf8');
  fs.writeFileSync(path.join(outdir, 'index.html'), page(html, { script: url(js), mainCss: css.map(url), styleCss: [] }));
}

function sizes(app: WebApp): string {
  const dir = path.join(outWeb, app);
  const files = fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile() && !d.name.endsWith('.map') && !d.name.endsWith('.LEGAL.txt'));
  const total = files.reduce((n, d) => n + fs.statSync(path.join(d.parentPath, d.name)).size, 0);
  return `${app}: ${files.length} files, ${(total / 1024).toFixed(0)} KiB (maps and licences aside)`;
}

async function main(): Promise<void> {
  const started = Date.now();
  fs.mkdirSync(outWeb, { recursive: true });
  await buildApp('dashboard', buildDashboard);
  await buildApp('graphiql', buildGraphiql);
  process.stdout.write(`build:web ${dev ? '(dev) ' : ''}in ${Date.now() - started} ms: ${sizes('dashboard')}; ${sizes('graphiql')}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`build:web failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
