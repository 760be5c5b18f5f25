import fs from 'node:fs';
import path from 'node:path';
import { ADMIN_TOKEN, admin, advanceRequests, cannon, DASHBOARD, DB_URL, ensureTree, gid, opt, ORGS, post, ROOT_DIR, startServer, WRITERS, writerSetup, type Api } from './run';

/**
 * `npm run bench:profile -- --orgs 1000000 [--duration 20] [--readers 8] [--reuse]`: the write scenario of `npm run bench`
 * (congressAdvance by WRITERS EDITORs, with the dashboard at `--readers` connections beside it) against one API started
 * with `--cpu-prof`, then a summary of where that process spent its CPU: by package or source folder (self time), the
 * heaviest functions, and the share idle (waiting on the database or the network). The raw profile stays in
 * bench/profiles/ for Chrome DevTools. See bench/README.md.
 */
const DURATION = Number(opt('duration', '20'));
const READERS = Number(opt('readers', '8'));
const PROFILES = path.join(ROOT_DIR, 'bench/profiles');

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
}

/** Where a frame's code lives: a package, a source folder of this project, node's own code, or the engine's bookkeeping. */
function placeOf(url: string, fn: string): string {
  if (!url) return fn.startsWith('(') ? fn : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  const own = /\/dist\/(src|bench)\/([^/]+)\//.exec(url);
  if (own) return `${own[1]}/${own[2]}`;
  if (url.startsWith('node:')) return 'node (core)';
  return url;
}

export function summarise(profile: CpuProfile, top = 25) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    self.set(id, (self.get(id) ?? 0) + dt);
    total += dt;
  });
  const places = new Map<string, number>();
  const functions = new Map<string, number>();
  for (const [id, us] of self) {
    const { callFrame } = byId.get(id)!;
    const place = placeOf(callFrame.url, callFrame.functionName);
    places.set(place, (places.get(place) ?? 0) + us);
    const fn = `${callFrame.functionName || '(anonymous)'} ${place}${callFrame.url ? `:${callFrame.lineNumber + 1}` : ''}`;
    functions.set(fn, (functions.get(fn) ?? 0) + us);
  }
  const rows = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, ms: Math.round(us / 1000), share: Math.round((us / total) * 1000) / 10 }));
  return { totalMs: Math.round(total / 1000), places: rows(places), functions: rows(functions) };
}

async function main() {
  await ensureTree(true);
  fs.mkdirSync(PROFILES, { recursive: true });
  const before = new Set(fs.readdirSync(PROFILES));
  const api: Api = await startServer(Number(opt('port', '4575')), {}, ['--cpu-prof', `--cpu-prof-dir=${PROFILES}`]);
  try {
    const [root] = await admin<{ id: string }>(DB_URL, `select id from organization where level = 'CENTRAL_COMMITTEE' and ended_on is null order by code limit 1`);
    const rootId = gid('Organization', root.id);
    const makePrincipal = async (name: string, role: string, scope: string) => {
      const data = await post(api, ADMIN_TOKEN, `mutation($input: PrincipalCreateInput!) { principalCreate(input: $input) { token userErrors { code } } }`, {
        input: { name, role, scope: gid('Organization', scope) },
      });
      return data.principalCreate.token as string;
    };
    const viewer = await makePrincipal(`profile viewer ${Date.now()}`, 'VIEWER', root.id);
    const writers = await writerSetup(makePrincipal);
    const dashBody = JSON.stringify({ query: DASHBOARD, variables: { root: rootId } });
    for (let i = 0; i < 20; i++) await post(api, viewer, DASHBOARD, { root: rootId });
    let refused = 0;
    const [writes, reads] = await Promise.all([
      cannon(api, null, {
        connections: WRITERS,
        duration: DURATION,
        requests: advanceRequests(writers, () => refused++),
      }),
      READERS > 0 ? cannon(api, viewer, { connections: READERS, duration: DURATION, body: dashBody }) : Promise.resolve(null),
    ]);
    console.log(`\n## CPU profile: ${ORGS.toLocaleString('en')} organisations, ${DURATION} s, ${WRITERS} writers, ${READERS} dashboard connections\n`);
    console.log(`writes: ${Math.round(writes.requests.average)}/s, p50 ${writes.latency.p50} ms, p97.5 ${writes.latency.p97_5} ms, errors ${writes.errors + writes.non2xx + refused}`);
    if (reads) console.log(`dashboards: ${Math.round(reads.requests.average)}/s, p50 ${reads.latency.p50} ms, p97.5 ${reads.latency.p97_5} ms`);
  } finally {
    api.child.kill('SIGTERM');
    await new Promise((r) => api.child.once('exit', r));
  }
  const written = fs.readdirSync(PROFILES).filter((f) => f.endsWith('.cpuprofile') && !before.has(f));
  if (!written.length) throw new Error('the server wrote no .cpuprofile');
  const file = path.join(PROFILES, written.sort().at(-1)!);
  const s = summarise(JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile);
  console.log(`\nprofile ${path.relative(ROOT_DIR, file)}: ${s.totalMs} ms sampled (the whole run, start-up included)\n`);
  console.log('| where (self time) | ms | share |\n|---|---|---|');
  for (const r of s.places) console.log(`| ${r.name} | ${r.ms} | ${r.share}% |`);
  console.log('\n| function (self time) | ms | share |\n|---|---|---|');
  for (const r of s.functions) console.log(`| \`${r.name.replace(/\|/g, '\\|')}\` | ${r.ms} | ${r.share}% |`);
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
