import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../common/log';

/**
 * Before an embedded PostgreSQL starts (embedded.ts): after a `kill -9` of the service, its PostgreSQL may still run
 * (orphaned) or have left a stale pid file.
 */
export async function recoverStaleServer(pgdata: string, logger: Logger) {
  const pidFile = path.join(pgdata, 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (Number.isInteger(pid) && pid > 0 && isPostgresProcess(pid)) {
    // Left by a killed service, it belongs to init (or a subreaper); a live service's is its own child: keep off it.
    const owner = liveNodeParent(pid);
    if (owner !== undefined) {
      throw new Error(
        `another server (node pid ${owner}) is running on this data directory (${pgdata}, its PostgreSQL has pid ${pid}): stop it first, or set another DATA_DIR`,
      );
    }
    logger.warn({ orphanPid: pid }, 'a previous embedded PostgreSQL is still running on this data directory; shutting it down');
    process.kill(pid, 'SIGINT');
    const deadline = Date.now() + 30_000;
    while (isAlive(pid)) {
      if (Date.now() > deadline) process.kill(pid, 'SIGQUIT');
      await sleep(100);
    }
  } else {
    logger.warn({ stalePid: pid }, 'removing a stale postmaster.pid left by a killed server');
    fs.rmSync(pidFile, { force: true });
  }
}

/** The parent of `pid` when it is a live node process other than this one (a running service owning it). */
function liveNodeParent(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (!Number.isInteger(parent) || parent <= 1 || parent === process.pid) return undefined;
    const cmdline = fs.readFileSync(`/proc/${parent}/cmdline`, 'utf8').split('\0');
    return path.basename(cmdline[0] ?? '').startsWith('node') ? parent : undefined;
  } catch {
    return undefined; // no /proc, or gone meanwhile: treat as left over
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function isPostgresProcess(pid: number): boolean {
  if (!isAlive(pid)) return false;
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('postgres');
  } catch {
    return true; // no /proc: trust the pid file
  }
}
