/**
 * Folds Vietnamese text for search and sorting: lower case, diacritics removed, đ/Đ → d, spaces collapsed.
 * "Đảng ủy Bộ Tài chính" → "dang uy bo tai chinh".
 */
export function foldVietnamese(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/** Escapes LIKE wildcards so a user's search is matched literally. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => '\\' + c);
}
