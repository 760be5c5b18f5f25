/**
 * GraphiQL at /graphiql, bundled whole by src/web/build.ts: Monaco and its workers, fonts, the README's examples.
 * Nothing is fetched from outside the server it is served by.
 *
 * - The token is the dashboard's (localStorage `daihoi.token`): it fills the Authorization header of every tab, and a
 *   token typed into the headers editor becomes the one both pages use.
 * - Subscriptions go over graphql-ws on the same URL (ws[s]://host/graphql), the token in `connectionParams`.
 * - The schema comes from introspection; where the server refuses it (INTROSPECTION=false, or no token yet) it is
 *   built from /schema.graphql instead, so the docs and completion still work.
 */
import 'graphiql/style.css';
import './style.css';
import { createGraphiQLFetcher, type Fetcher, type FetcherOpts, type FetcherParams, type SyncExecutionResult } from '@graphiql/toolkit';
import { useGraphiQL, useGraphiQLActions, type GraphiQLPlugin } from '@graphiql/react';
import { GraphiQL, HISTORY_PLUGIN } from 'graphiql';
import { buildSchema, introspectionFromSchema } from 'graphql';
import { createRoot } from 'react-dom/client';
import examples from 'daihoi:readme-examples';
import workers from 'daihoi:workers';
import { getToken, setToken } from '../dashboard/token';
import { namedQuery, type EmbeddedExample } from './examples';

// Monaco asks for a worker per language; each is a bundle of its own beside this one (src/web/build.ts).
function workerUrl(label: string): string {
  return label === 'json' ? workers.json : label === 'graphql' ? workers.graphql : workers.editor;
}
(globalThis as unknown as { MonacoEnvironment: object }).MonacoEnvironment = {
  getWorkerUrl: (_workerId: string, label: string) => workerUrl(label),
  getWorker: (_workerId: string, label: string) => new Worker(workerUrl(label), { name: label }),
};

/** A token sent from GraphiQL becomes the dashboard's too (both pages keep it under `daihoi.token`). */
function rememberToken(authorization: unknown): void {
  if (typeof authorization !== 'string') return;
  const token = /^Bearer\s+(\S+)\s*$/i.exec(authorization)?.[1];
  if (token && token !== getToken()) setToken(token);
}

function headersWithToken(token: string): string {
  return token ? JSON.stringify({ Authorization: `Bearer ${token}` }, null, 2) : '';
}

/** Header names in lower case: graphql-ws takes them as `connectionParams`, which the server reads as `authorization`. */
function lowerCased(headers: FetcherOpts['headers']): Record<string, unknown> {
  return Object.fromEntries(Object.entries(headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
}

const endpoint = new URL('/graphql', location.href);
const subscriptionUrl = `${endpoint.protocol === 'https:' ? 'wss:' : 'ws:'}//${endpoint.host}${endpoint.pathname}`;

/** Introspection first; refused or failed, the schema the server publishes as SDL. */
const introspect = createGraphiQLFetcher({ url: endpoint.href, enableIncrementalDelivery: false });
const schemaFetcher: Fetcher = async (params: FetcherParams, opts?: FetcherOpts) => {
  try {
    // GraphiQL may ask before its headers editor exists: the schema is then read with the dashboard's token.
    const headers = lowerCased(opts?.headers);
    const token = getToken();
    if (!headers.authorization && token) headers.authorization = `Bearer ${token}`;
    const result = (await introspect(params, { ...opts, headers })) as { data?: unknown; errors?: unknown[] };
    if (result?.data && !result.errors?.length) return result as SyncExecutionResult;
  } catch {
    // fall through to the SDL
  }
  const res = await fetch('/schema.graphql', { headers: { accept: 'text/plain' } });
  if (!res.ok) throw new Error(`GET /schema.graphql answered ${res.status}`);
  return { data: introspectionFromSchema(buildSchema(await res.text())) } as unknown as SyncExecutionResult;
};

const base = createGraphiQLFetcher({ url: endpoint.href, subscriptionUrl, enableIncrementalDelivery: false, schemaFetcher });
const fetcher: Fetcher = (params, opts) => {
  const headers = lowerCased(opts?.headers);
  rememberToken(headers.authorization);
  return base(params, { ...opts, headers });
};

const taken = new Set<string>();
const readme = (examples as EmbeddedExample[]).map((e) => ({ ...e, named: namedQuery(e, taken) }));

/** The README's examples by heading; a click opens the example in a tab (the one already holding it, if any). */
function ExamplesPane() {
  const { queryEditor, tabs } = useGraphiQL((s) => ({ queryEditor: s.queryEditor, tabs: s.tabs }));
  const { addTab, changeTab } = useGraphiQLActions();
  const open = (query: string) => {
    const at = tabs.findIndex((t) => t.query === query);
    if (at >= 0) return changeTab(at);
    addTab();
    queryEditor?.setValue(query);
  };
  return (
    <div className="daihoi-examples">
      <div className="graphiql-doc-explorer-title">Ví dụ / Examples</div>
      <p>
        The README's examples (run on the demo data with <code>TODAY</code> as the README says). The first line names the demo token each
        was written for; every tab sends the token in Headers.
      </p>
      <ul>
        {readme.map((e) => (
          <li key={e.line}>
            <button type="button" onClick={() => open(e.named)} title={`README line ${e.line}, ${e.token} token`}>
              {e.title}
            </button>
            {e.token !== 'ADMIN' && <span className="daihoi-token"> {e.token}</span>}
          </li>
        ))}
      </ul>
    </div>
  );
}

const examplesPlugin: GraphiQLPlugin = {
  title: 'README examples',
  icon: ExamplesIcon,
  content: ExamplesPane,
};

/** GraphiQL's corner: the way back to the dashboard and the SDL (a direct child of <GraphiQL>, as GraphiQL looks for it). */
function logo(token: string) {
  return (
    <GraphiQL.Logo>
      <span className="daihoi-logo">
        <a href="/" title="Bảng điều khiển / Dashboard">
          ← Bảng điều khiển
        </a>
        <a href="/schema.graphql" target="_blank" rel="noreferrer" title="The schema (SDL)">
          schema
        </a>
        {!token && (
          <span className="daihoi-hint" title={'No token yet: sign in on the dashboard, or put {"Authorization": "Bearer dh_…"} in Headers'}>
            ⚠ no token
          </span>
        )}
      </span>
    </GraphiQL.Logo>
  );
}

/** A list icon for the examples pane (the docs pane has the book). */
function ExamplesIcon() {
  return (
    <svg viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" aria-hidden="true">
      <path d="M8 6h12M8 12h12M8 18h12" />
      <circle cx="4" cy="6" r="1" fill="currentColor" />
      <circle cx="4" cy="12" r="1" fill="currentColor" />
      <circle cx="4" cy="18" r="1" fill="currentColor" />
    </svg>
  );
}

function App() {
  const token = getToken();
  const headers = headersWithToken(token);
  return (
    <GraphiQL
      fetcher={fetcher}
      defaultTabs={readme.map((e) => ({ query: e.named, headers: null }))}
      defaultHeaders={headers}
      initialHeaders={headers}
      defaultEditorToolsVisibility={headers ? 'headers' : true}
      shouldPersistHeaders={false}
      plugins={[examplesPlugin, HISTORY_PLUGIN]}
      visiblePlugin={examplesPlugin}
    >
      {logo(token)}
    </GraphiQL>
  );
}

createRoot(document.getElementById('root')!).render(<App />);
