/**
 * The two exports' columns. Each header is the GraphQL path of the value it holds (`parent.code`, `congress.stage`,
 * `progress.heldRatio`), so a spreadsheet column says which field of the API it equals.
 */

/** What a cell holds: text (names, codes, enums, risk lists), an integer, a fraction, a calendar date (YYYY-MM-DD). */
export type CellKind = 'text' | 'integer' | 'number' | 'date';

/** One cell: null is an empty cell (a field that is null, no congress, no risk). */
export type Cell = string | number | null;

export interface Column {
  header: string;
  kind: CellKind;
  /** Width in the XLSX sheet (characters). */
  width: number;
  /** Free text a user typed (a name): the CSV guards it against formula injection (export.csv.ts). */
  userText?: boolean;
}

export interface Table {
  /** The XLSX sheet's name and the file name's first word. */
  name: 'organizations' | 'congresses';
  columns: readonly Column[];
}

const text = (header: string, width: number, userText = false): Column => ({ header, kind: 'text', width, userText });
const int = (header: string, width = 12): Column => ({ header, kind: 'integer', width });
const date = (header: string): Column => ({ header, kind: 'date', width: 12 });

/** The congress fields both exports show, in this order (the organisation export prefixes them with `congress.`). */
const congressColumns = (prefix: string): Column[] => [
  text(`${prefix}stage`, 18),
  text(`${prefix}mode`, 12),
  date(`${prefix}plannedStart`),
  date(`${prefix}plannedEnd`),
  date(`${prefix}deadline`),
  date(`${prefix}heldStart`),
  date(`${prefix}heldEnd`),
  text(`${prefix}risks`, 24),
];

/**
 * `/export/organizations.*`: one row per organisation of the subtree on the date — what
 * `code name level parent { code } congress { stage mode plannedStart plannedEnd deadline heldStart heldEnd risks }
 *  progress { organizations congressesExpected held heldRatio overdue heldLate restructuringPending }` answers
 * (risks joined by `;`).
 */
export const ORGANIZATION_TABLE: Table = {
  name: 'organizations',
  columns: [
    text('code', 14),
    text('name', 48, true),
    text('level', 22),
    text('parent.code', 14),
    ...congressColumns('congress.'),
    int('progress.organizations'),
    int('progress.congressesExpected'),
    int('progress.held'),
    { header: 'progress.heldRatio', kind: 'number', width: 12 },
    int('progress.overdue'),
    int('progress.heldLate'),
    int('progress.restructuringPending'),
  ],
};

/**
 * `/export/congresses.*`: one row per congress `congresses(under:, from:, to:, asOf:)` lists — what
 * `organization { code name level } round stage mode plannedStart plannedEnd deadline heldStart heldEnd risks` answers.
 */
export const CONGRESS_TABLE: Table = {
  name: 'congresses',
  columns: [text('organization.code', 14), text('organization.name', 48, true), text('organization.level', 22), int('round', 6), ...congressColumns('')],
};

/** A risk list as one cell: the kinds joined by `;` (none: an empty cell). */
export const riskCell = (risks: readonly string[]): Cell => (risks.length ? risks.join(';') : null);
