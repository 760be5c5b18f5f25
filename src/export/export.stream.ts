import type { ServerResponse } from 'node:http';

/** The client went away mid-export: stop reading the database, write nothing more. */
export class ExportAborted extends Error {
  constructor() {
    super('the client closed the connection');
  }
}

/** Whether the client is still there; `closed` settles when the response's connection closes (finished or cut). */
export class ClientConnection {
  gone = false;
  readonly closed: Promise<void>;
  constructor(res: ServerResponse) {
    this.closed = new Promise((resolve) => {
      res.once('close', () => {
        if (!res.writableFinished) this.gone = true;
        resolve();
      });
    });
    // A write to a connection the client cut fails; `gone` says so, the export stops at its next check.
    res.on('error', () => {
      this.gone = true;
    });
  }

  /** Throws ExportAborted once the client is gone. */
  check(): void {
    if (this.gone) throw new ExportAborted();
  }
}

/** A writable (Node's, or readable-stream's as inside archiver) whose buffer is full: a 'drain' will follow. */
interface Drainable {
  once(event: 'drain', listener: () => void): unknown;
  removeListener(event: 'drain', listener: () => void): unknown;
  writableNeedDrain?: boolean;
  _writableState?: { needDrain?: boolean };
}

const needsDrain = (s: Drainable) => s.writableNeedDrain ?? s._writableState?.needDrain ?? false;

/** Backpressure: waits while `stream`'s buffer is full (until 'drain'), or throws once the client is gone. */
export async function drained(stream: Drainable, conn: ClientConnection): Promise<void> {
  while (needsDrain(stream)) {
    conn.check();
    let done: () => void = () => undefined;
    await Promise.race([new Promise<void>((resolve) => stream.once('drain', (done = resolve))), conn.closed]);
    stream.removeListener('drain', done);
  }
  conn.check();
}
