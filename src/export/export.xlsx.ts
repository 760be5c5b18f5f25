import type { ServerResponse } from 'node:http';
import ExcelJS from 'exceljs';
import type { Cell, CellKind, Table } from './export.columns';
import { drained, type ClientConnection } from './export.stream';

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** A cell's value in the sheet: dates as real dates (UTC midnight, shown yyyy-mm-dd), numbers as numbers, text as text. */
const valueOf = (kind: CellKind, cell: Cell): ExcelJS.CellValue => (cell === null ? null : kind === 'date' ? new Date(`${cell}T00:00:00Z`) : cell);

/** What exceljs's streaming worksheet pipes its XML into (archiver's entry stream), when it can be seen. */
function sheetSink(sheet: ExcelJS.Worksheet) {
  const stream = (sheet as unknown as { stream?: { pipes?: unknown[] } }).stream;
  return stream?.pipes?.[0] as Parameters<typeof drained>[0] | undefined;
}

/**
 * Streams a table as an XLSX workbook of one sheet (exceljs's streaming WorkbookWriter: each row is committed, i.e.
 * written out as XML and forgotten; no shared strings, so nothing grows with the rows). Header row frozen, column
 * widths set, dates formatted yyyy-mm-dd. After each batch it waits until the bytes have moved on: exceljs writes a
 * sheet's XML into the zip without waiting (its stream ignores backpressure), so the wait is on the zip's entry stream
 * (it buffers what the compressor has not taken) and on the response. Returns the rows written.
 */
export async function writeXlsx(res: ServerResponse, table: Table, batches: AsyncIterable<Cell[][]>, conn: ClientConnection): Promise<number> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: res, useStyles: true, useSharedStrings: false });
  const sheet = workbook.addWorksheet(table.name, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = table.columns.map((c) => ({ header: c.header, key: c.header, width: c.width, ...(c.kind === 'date' ? { style: { numFmt: 'yyyy-mm-dd' } } : {}) }));
  const kinds = table.columns.map((c) => c.kind);
  let rows = 0;
  try {
    for await (const batch of batches) {
      for (const cells of batch) sheet.addRow(cells.map((cell, i) => valueOf(kinds[i], cell))).commit();
      rows += batch.length;
      const sink = sheetSink(sheet);
      if (sink) await drained(sink, conn);
      await drained(res, conn);
    }
    sheet.commit();
    await Promise.race([workbook.commit(), conn.closed]);
  } catch (err) {
    // Stop the zip: nothing more goes to a response that is being abandoned.
    (workbook as unknown as { zip?: { abort?: () => void } }).zip?.abort?.();
    throw err;
  }
  conn.check();
  return rows;
}
