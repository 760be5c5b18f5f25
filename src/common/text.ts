import { UserError, UserErrorException } from './errors';

/**
 * Folds Vietnamese text for search and sorting: lower case, diacritics and invisible characters removed, đ/Đ → d,
 * spaces collapsed. "Đảng ủy Bộ Tài chính" → "dang uy bo tai chinh". NFC and NFD input fold alike, so stored keys and
 * a search typed either way agree.
 */
export function foldVietnamese(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]|\p{Cf}/gu, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/** Escapes LIKE wildcards so a user's search is matched literally. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => '\\' + c);
}

/**
 * C0 control characters and DEL. Never accepted in any string argument (the request guard refuses them before
 * execution; services refuse them again for writes that do not come through the API, such as seeds and tools).
 */
export const CONTROL_CHARACTER = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;
/**
 * A UTF-16 surrogate without its pair (only a JSON or GraphQL escape can carry one). Not a character: PostgreSQL
 * refuses it in json, and UTF-8 cannot encode it. Refused like the control characters.
 */
export const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** Line and tab characters: refused inside single-line texts (names, codes, titles, decision numbers, issuers). */
const LINE_CHARACTER = /[\t\n\r\u0085\u2028\u2029]/;
/** Whitespace and invisible format characters (zero-width space and joiners, BOM, soft hyphen…) at either end. */
const EDGES = /^[\s\p{Zs}\p{Cf}]+|[\s\p{Zs}\p{Cf}]+$/gu;
/**
 * Everything that shows nothing on its own: whitespace, format characters, every Default_Ignorable_Code_Point
 * (variation selectors, combining grapheme joiner, Hangul fillers…) and the blank-looking Braille and Hangul fillers.
 * Allowed between visible characters (a ZWJ inside an emoji sequence), but a text of only these is blank.
 */
const INVISIBLE = /[\s\p{Zs}\p{Cf}\p{Default_Ignorable_Code_Point}\u2800\u3164\u115F\u1160\uFFA0]/gu;
const isBlank = (text: string) => text.replace(INVISIBLE, '') === '';

/** Unicode NFC with blank or invisible characters at either end removed. */
const normalizeText = (text: string): string => text.normalize('NFC').replace(EDGES, '');

export interface TextRule {
  /** The input path reported in the user error, e.g. ['input', 'name']. */
  field: string[];
  /** What the text is, for messages: "Name", "The title". */
  label: string;
  /** Maximum length in characters (code points) after NFC. */
  max: number;
  /** Refuses tab and line breaks inside the text (they are trimmed at either end). */
  singleLine?: boolean;
  /** Refuses a missing text, and one made only of spaces and invisible characters. */
  required?: boolean;
}

const codePoint = (c: string) => 'U+' + c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');

/**
 * The one place where a text a client sends becomes a stored text: NFC, trimmed of whitespace and invisible
 * characters at either end, not made only of invisible characters, no control characters or unpaired surrogates, no line breaks where `singleLine`, at most `max` characters.
 * Returns the cleaned text (null when absent or blank and not required) or the UserError that refuses it.
 */
export function cleanText(value: string | null | undefined, rule: TextRule): string | null | UserError {
  const refuse = (code: string, message: string) => UserError.of(code, message, rule.field);
  const control = value?.match(CONTROL_CHARACTER);
  if (control) return refuse('INVALID_CHARACTERS', `${rule.label} must not contain the control character ${codePoint(control[0])}.`);
  const surrogate = value?.match(LONE_SURROGATE);
  if (surrogate) return refuse('INVALID_CHARACTERS', `${rule.label} must not contain the unpaired surrogate ${codePoint(surrogate[0])}.`);
  const text = value == null ? '' : normalizeText(value);
  if (!text || isBlank(text)) return rule.required ? refuse('REQUIRED', `${rule.label} must not be empty or blank.`) : null;
  const line = rule.singleLine && text.match(LINE_CHARACTER);
  if (line) return refuse('INVALID_CHARACTERS', `${rule.label} must be one line: it must not contain ${codePoint(line[0])}.`);
  const length = [...text].length;
  if (length > rule.max) return refuse('TOO_LONG', `${rule.label} must be at most ${rule.max} characters (it has ${length}).`);
  return text;
}

/**
 * Cleans several texts at once: `cleanTexts({ name: [input.name, rule], … })` gives the cleaned values by key and
 * every refusal, so a payload reports all the texts at fault together.
 */
export function cleanTexts<K extends string>(texts: Record<K, [string | null | undefined, TextRule]>): { values: Record<K, string | null>; errors: UserError[] } {
  const values = {} as Record<K, string | null>;
  const errors: UserError[] = [];
  for (const key of Object.keys(texts) as K[]) {
    const [value, rule] = texts[key];
    const cleaned = cleanText(value, rule);
    if (cleaned instanceof UserError) errors.push(cleaned);
    values[key] = cleaned instanceof UserError ? null : cleaned;
  }
  return { values, errors };
}

/** Like cleanText, but throws the refusal (rolling the mutation back). */
export function cleanTextOrThrow(value: string | null | undefined, rule: TextRule): string | null {
  const cleaned = cleanText(value, rule);
  if (cleaned instanceof UserError) throw new UserErrorException([cleaned]);
  return cleaned;
}

export const MAX_NOTE = 2000;
export const MAX_ACTOR = 200;
/** A free note or reason, several lines allowed. */
export const noteRule = (field: string[], label = 'The note'): TextRule => ({ field, label, max: MAX_NOTE });
/** Who recorded a change (free text until access control exists). */
export const actorRule = (field: string[]): TextRule => ({ field, label: 'The actor', max: MAX_ACTOR, singleLine: true });
