/**
 * Safe-by-construction HTML: the `html` tag escapes every interpolated value unless it is
 * already `Raw` (built by this tag). Text from crawled pages and reporters is also passed
 * through the personal-data mask, so no output shows an ID number in clear, and its invisible
 * bidi controls are shown as markers, so they cannot reorder the page around them.
 */
import { maskPii } from '../pii/detect.ts';
import { showBidiControls } from './bidi.ts';

export class Raw {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const MAP: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };

/** HTML-escaped, personal data masked, bidi controls shown as [U+202E] markers (./bidi.ts says why). */
export function esc(value: unknown): string {
  if (value === null || value === undefined) return '';
  return showBidiControls(maskPii(String(value))).replace(/[&<>"'`]/g, (c) => MAP[c]);
}

function part(v: unknown): string {
  if (v instanceof Raw) return v.value;
  if (Array.isArray(v)) return v.map(part).join('');
  if (v === false || v === null || v === undefined) return '';
  return esc(v);
}

export function html(strings: TemplateStringsArray, ...values: unknown[]): Raw {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) out += part(values[i]) + strings[i + 1];
  return new Raw(out);
}

/** Only http(s) URLs become links; anything else (javascript:, data:) is shown as text. */
export function safeHref(url: string): string | undefined {
  return /^https?:\/\//i.test(url) ? url : undefined;
}

export function link(url: string, text?: string): Raw {
  const href = safeHref(url);
  return href ? html`<a href="${href}" rel="noopener noreferrer">${text ?? url}</a>` : html`${text ?? url}`;
}
