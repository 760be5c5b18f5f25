import type { ServerResponse } from 'node:http';
import { stringify } from 'csv-stringify/sync';
import type { Cell, Table } from './export.columns';
import { drained, type ClientConnection } from './export.stream';

export const CSV_TYPE = 'text/csv; charset=utf-8; header=present';

/**
 * A cell a spreadsheet would read as a formula (it starts with = + - @, or a tab or carriage return that Excel skips
 * before one) gets a leading apostrophe (OWASP's "CSV injection" advice). Only free text users typed (names) can
 * start so: codes start with a letter or digit, enums and dates never do, and numbers are not text. Such a name then
 * differs from the API's by that apostrophe — the only way a CSV cell can differ from the API; the XLSX export needs
 * no guard (its cells are typed: a string is never a formula) and holds the name as it is.
 */
export const FORMULA_START = /^[=+\-@\t\r]/;
export const guardFormula = (text: string) => (FORMULA_START.test(text) ? `'${text}` : text);

function csvRow(table: Table, cells: Cell[]): (string | number | null)[] {
  return cells.map((cell, i) => (typeof cell === 'string' && table.columns[i].userText ? guardFormula(cell) : cell));
}

/**
 * Streams a table as CSV (RFC 4180: comma, CRLF, fields quoted when they hold a comma, quote or line break, quotes
 * doubled), UTF-8 with a byte-order mark so Excel reads Vietnamese right, a header row of the column names; null is an
 * empty field, numbers as JavaScript writes them. One batch is formatted at a time and written when the response has
 * room (it waits for 'drain'), so memory holds one batch at most. Returns the rows written.
 */
export async function writeCsv(res: ServerResponse, table: Table, batches: AsyncIterable<Cell[][]>, conn: ClientConnection): Promise<number> {
  const columns = table.columns.map((c) => c.header);
  let rows = 0;
  let first = true;
  for await (const batch of batches) {
    const text = stringify(
      batch.map((cells) => csvRow(table, cells)),
      { bom: first, header: first, columns, record_delimiter: '\r\n' },
    );
    first = false;
    rows += batch.length;
    res.write(text);
    await drained(res, conn);
  }
  if (first) res.write(stringify([], { bom: true, header: true, columns, record_delimiter: '\r\n' }));
  await new Promise<void>((resolve) => {
    res.end(resolve);
    void conn.closed.then(resolve);
  });
  conn.check();
  return rows;
}
