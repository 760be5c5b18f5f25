import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { scrape, total } from './metrics';
import { admin, ADMIN_TOKEN, DB_URL, ensureTree, gid, ORGS, PORT, peakRss, ROOT_DIR, startServer, type Api } from './run';

/**
 * `npm run bench:export -- --orgs 300000 [--port 4555]`: the exports of the whole synthetic tree. Reuses the tree the
 * main bench builds (daihoi_bench_<orgs>, seeded by bench/run.ts's ensureTree when missing), starts the API in
 * production mode (bench/run.ts's startServer, port + 10), and downloads /export/organizations.csv and .xlsx of the
 * root's subtree. It reports rows, seconds, bytes, the server's RSS (/proc/<pid>/status VmRSS every 50 ms: before,
 * and the peak in each quarter of the download — flat quarters mean memory does not grow with the rows), its V8 heap
 * in use (from GET /metrics, every second; garbage not yet collected included) and its lifetime peak (VmHWM).
 * Results: bench/results/export-<orgs>.json. (Backpressure — a client that stops reading stops the export — is checked
 * by test/export.test.ts: on localhost the kernel's socket buffers, up to 32 MB here, hold most of a 300,000-row file.)
 */

const RESULTS = path.join(ROOT_DIR, `bench/results/export-${ORGS}.json`);

const rssOf = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
const mib = (bytes: number) => (bytes / 1048576).toFixed(0);

interface Run {
  scenario: string;
  format: 'csv' | 'xlsx';
  rows: number;
  seconds: number;
  bytes: number;
  rowsPerSecond: number;
  rssBeforeBytes: number;
  /** The highest RSS sampled in each quarter of the download's duration. */
  peakRssByQuarterBytes: number[];
  peakHeapUsedBytes: number;
}

/** XLSX rows (the header aside), read back with exceljs's streaming reader. */
async function xlsxRows(file: string): Promise<number> {
  let n = 0;
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(file, { worksheets: 'emit', sharedStrings: 'ignore', styles: 'ignore', hyperlinks: 'ignore' });
  for await (const sheet of reader) for await (const _row of sheet as AsyncIterable<unknown>) n++;
  return n - 1;
}

/** Downloads one export, sampling the server's RSS and heap meanwhile. */
async function download(api: Api, scenario: string, format: 'csv' | 'xlsx', query: string): Promise<Run> {
  const pid = api.child.pid!;
  const rssBefore = rssOf(pid);
  const samples: [number, number][] = [];
  let heap = 0;
  const started = performance.now();
  const rssTimer = setInterval(() => samples.push([performance.now() - started, rssOf(pid)]), 50);
  const heapTimer = setInterval(() => void scrape(api.base, ADMIN_TOKEN).then((s) => (heap = Math.max(heap, total(s, 'nodejs_heap_size_used_bytes')))).catch(() => undefined), 1000);
  const file = path.join(os.tmpdir(), `daihoi-export-bench-${process.pid}.${format}`);
  const out = fs.createWriteStream(file);
  let bytes = 0;
  let lines = 0;
  try {
    const res = await fetch(`${api.base}/export/organizations.${format}?${query}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    if (res.status !== 200) throw new Error(`${format}: HTTP ${res.status} ${await res.text()}`);
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      bytes += chunk.length;
      if (format === 'csv') for (const b of chunk) if (b === 10) lines++;
      if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
    }
  } finally {
    clearInterval(rssTimer);
    clearInterval(heapTimer);
    await new Promise<void>((r) => out.end(() => r()));
  }
  const seconds = (performance.now() - started) / 1000;
  const quarters = [0, 0, 0, 0];
  for (const [t, rss] of samples) {
    const q = Math.min(3, Math.floor((t / 1000 / seconds) * 4));
    quarters[q] = Math.max(quarters[q], rss);
  }
  const rows = format === 'csv' ? lines - 1 : await xlsxRows(file);
  fs.rmSync(file, { force: true });
  return {
    scenario,
    format,
    rows,
    seconds: Math.round(seconds * 10) / 10,
    bytes,
    rowsPerSecond: Math.round(rows / seconds),
    rssBeforeBytes: rssBefore,
    peakRssByQuarterBytes: quarters,
    peakHeapUsedBytes: heap,
  };
}

async function main() {
  await ensureTree(true);
  const api = await startServer(PORT + 10);
  try {
    const [root] = await admin<{ id: string; code: string }>(DB_URL, `select id, code from organization where level = 'CENTRAL_COMMITTEE' and ended_on is null order by code limit 1`);
    const [ministry] = await admin<{ id: string }>(DB_URL, `select id from organization where level = 'ABOVE_BASE' order by code limit 1`);
    const rssStarted = rssOf(api.child.pid!);
    // Warm up (JIT, pool): a ministry's subtree in both formats.
    for (const format of ['csv', 'xlsx'] as const) await download(api, 'warm-up', format, `under=${gid('Organization', ministry.id)}`);

    const query = `under=${gid('Organization', root.id)}`;
    const runs: Run[] = [];
    for (const format of ['csv', 'xlsx'] as const) runs.push(await download(api, 'whole tree', format, query));
    const hwm = peakRss(api.child.pid!);

    console.log(`\n## Exports of the whole tree (${root.code}), ${ORGS.toLocaleString('en')} organisations\n`);
    console.log('| format | rows | seconds | rows/s | MB | server RSS before → peak in each quarter of the download, MiB | heap used, peak MiB |');
    console.log('|---|---|---|---|---|---|---|');
    for (const r of runs) {
      console.log(
        `| ${r.format} | ${r.rows.toLocaleString('en')} | ${r.seconds} | ${r.rowsPerSecond.toLocaleString('en')} | ${(r.bytes / 1e6).toFixed(1)} | ` +
          `${mib(r.rssBeforeBytes)} → ${r.peakRssByQuarterBytes.map(mib).join(' / ')} | ${mib(r.peakHeapUsedBytes)} |`,
      );
    }
    console.log(`\nserver RSS after start: ${mib(rssStarted)} MiB; lifetime peak (VmHWM): ${mib(hwm)} MiB\n`);
    const out = { organizations: ORGS, root: root.code, date: new Date().toISOString(), rssAfterStartBytes: rssStarted, peakRssBytes: hwm, runs };
    fs.mkdirSync(path.dirname(RESULTS), { recursive: true });
    fs.writeFileSync(RESULTS, JSON.stringify(out, null, 2) + '\n');
  } finally {
    api.child.kill('SIGTERM');
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
