/**
 * A date field that reads and writes dd/mm/yyyy whatever the browser's language: a native `<input type="date">` shows
 * the browser's own order (mm/dd/yyyy in an English browser, whatever `lang` the page declares). The text field is
 * what people read and type; a button beside it opens the browser's calendar (a native date input kept out of sight)
 * for those who would rather pick.
 */
import { h } from './dom';
import { fmtDate, parseDate } from './format';

export interface DateField {
  /** The date typed, "YYYY-MM-DD"; null when empty or not a date. */
  get(): string | null;
  /** Shows `iso` (null: empty), clearing any complaint. */
  set(iso: string | null): void;
  /** The latest date allowed (null: none). */
  setMax(iso: string | null): void;
}

const SVG = 'http://www.w3.org/2000/svg';

function calendarIcon(): SVGSVGElement {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', '0 0 16 16');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  for (const d of ['M2.5 3.5h11v10h-11z', 'M2.5 6.5h11', 'M5 2v3M11 2v3']) {
    const path = document.createElementNS(SVG, 'path');
    path.setAttribute('d', d);
    svg.append(path);
  }
  return svg;
}

/**
 * Makes `input` (a text input already in the page, with its label) a dd/mm/yyyy date field. `onCommit` runs when a
 * valid date (or nothing) is entered — Enter, leaving the field, or a pick from the calendar; an invalid one is
 * refused on the spot with the reason, and the field keeps it for correction.
 */
export function dateField(input: HTMLInputElement, onCommit: (iso: string | null) => void = () => undefined, opts: { required?: boolean } = {}): DateField {
  let max: string | null = null;
  let committed: string | null | undefined;
  Object.assign(input, { type: 'text', inputMode: 'numeric', autocomplete: 'off', spellcheck: false, placeholder: 'dd/mm/yyyy', maxLength: 10 });
  input.size = 10;
  input.classList.add('date-text');
  if (!input.title) input.title = 'Ngày, dạng dd/mm/yyyy / A date, dd/mm/yyyy';

  const picker = h('input', { type: 'date', class: 'date-picker', tabindex: -1, 'aria-hidden': 'true' });
  const button = h('button', { type: 'button', class: 'date-button secondary', title: 'Chọn trên lịch / Pick from a calendar', 'aria-label': `Chọn trên lịch: ${input.labels?.[0]?.textContent?.trim() ?? 'ngày'} / Pick from a calendar` }, calendarIcon());
  const wrap = h('span', { class: 'date-field' });
  input.replaceWith(wrap);
  wrap.append(input, button, picker);

  const complain = (why: string | null) => {
    input.setCustomValidity(why ?? '');
    if (why) {
      input.setAttribute('aria-invalid', 'true');
      input.reportValidity();
    } else input.removeAttribute('aria-invalid');
  };

  const commit = () => {
    const text = input.value.trim();
    const iso = text ? parseDate(text) : null;
    if (text && !iso) return complain('Ngày không hợp lệ: nhập dd/mm/yyyy, ví dụ 04/12/2024. / Not a date: type dd/mm/yyyy.');
    if (!iso && opts.required) return complain('Cần một ngày (dd/mm/yyyy). / A date is required.');
    if (iso && max && iso > max) return complain(`Không sau ${fmtDate(max)}. / Not after ${fmtDate(max)}.`);
    complain(null);
    input.value = fmtDate(iso) === '—' ? '' : fmtDate(iso);
    if (iso === committed) return;
    committed = iso;
    onCommit(iso);
  };

  input.addEventListener('input', () => complain(null));
  input.addEventListener('change', commit);
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') commit();
  });
  button.addEventListener('click', () => {
    picker.value = parseDate(input.value) ?? max ?? '';
    try {
      picker.showPicker();
    } catch {
      picker.focus(); // a browser without showPicker: the native field takes the keys
    }
  });
  picker.addEventListener('change', () => {
    if (!picker.value) return;
    input.value = fmtDate(picker.value);
    commit();
    input.focus();
  });

  return {
    get: () => parseDate(input.value),
    set(iso) {
      complain(null);
      committed = iso;
      input.value = iso ? fmtDate(iso) : '';
    },
    setMax(iso) {
      max = iso;
      picker.max = iso ?? '';
    },
  };
}
