/**
 * Personal data in published text (task 35; standards §9): 18-digit resident ID numbers
 * (valid area code, date and ISO 7064 MOD 11-2 check digit), personal mobile numbers, bank
 * card numbers (Luhn). Not personal: unified social credit codes, digit runs inside file
 * names or URLs, office fixed lines. Pure; shared by the privacy audit, every output that
 * must mask, and the extension.
 */

export type PiiKind = 'id-number' | 'mobile' | 'bank-card';

export interface PiiHit {
  kind: PiiKind;
  value: string;
  masked: string;
  index: number;
}

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';
/** First two digits of valid 行政区划代码 (provinces, autonomous regions, municipalities). */
const PROVINCES = new Set(['11', '12', '13', '14', '15', '21', '22', '23', '31', '32', '33', '34', '35', '36', '37', '41', '42', '43', '44', '45', '46', '50', '51', '52', '53', '54', '61', '62', '63', '64', '65', '71', '81', '82']);

export function idCheckDigit(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * ID_WEIGHTS[i];
  return ID_CHECK[sum % 11];
}

export function isValidIdNumber(id: string): boolean {
  if (!/^\d{17}[\dXx]$/.test(id)) return false;
  if (!PROVINCES.has(id.slice(0, 2))) return false;
  const y = Number(id.slice(6, 10));
  const m = Number(id.slice(10, 12));
  const d = Number(id.slice(12, 14));
  if (y < 1900 || y > 2100 || m < 1 || m > 12 || d < 1) return false;
  if (d > new Date(Date.UTC(y, m, 0)).getUTCDate()) return false;
  return idCheckDigit(id.slice(0, 17)) === id[17].toUpperCase();
}

/** 18 digits with a province and a plausible birth date: an ID number (maybe mistyped), not a card. */
function idShaped(v: string): boolean {
  if (v.length !== 18 || !PROVINCES.has(v.slice(0, 2))) return false;
  const y = Number(v.slice(6, 10));
  const m = Number(v.slice(10, 12));
  return y >= 1900 && y <= 2100 && m >= 1 && m <= 12;
}

export function luhnValid(digits: string): boolean {
  let sum = 0;
  let dbl = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let n = digits.charCodeAt(i) - 48;
    if (dbl) {
      n *= 2;
      if (n > 9) n -= 9;
    }
    sum += n;
    dbl = !dbl;
  }
  return sum % 10 === 0;
}

/** Keeps the first `head` and last `tail` characters: 3501**********1234. */
export function maskValue(value: string, head = 4, tail = 4): string {
  if (value.length <= head + tail) return '*'.repeat(value.length);
  return value.slice(0, head) + '*'.repeat(value.length - head - tail) + value.slice(-tail);
}

const maskFor = (kind: PiiKind, v: string) => (kind === 'mobile' ? maskValue(v, 3, 4) : maskValue(v, 4, 4));

// Digit runs not glued to other letters/digits; a run inside a file name or a URL path is skipped below.
const RUN_RE = /(?<![0-9A-Za-z])(\d{11}|\d{15,19}|\d{17}[Xx])(?![0-9A-Za-z])/g;
const FILE_CONTEXT = /[\/\\=_.-]$|\.(pdf|docx?|xlsx?|jpe?g|png|gif|zip|rar|html?|wps)/i;

export function findPii(text: string): PiiHit[] {
  const hits: PiiHit[] = [];
  for (const m of text.matchAll(RUN_RE)) {
    const v = m[1];
    const i = m.index!;
    const before = text.slice(Math.max(0, i - 1), i);
    const after = text.slice(i + v.length, i + v.length + 6);
    if (FILE_CONTEXT.test(before) || /^\.(pdf|docx?|xlsx?|jpe?g|png|gif|zip|rar|html?|wps)/i.test(after) || /^[\/_-]/.test(after)) continue;
    let kind: PiiKind | undefined;
    if (v.length === 18 && isValidIdNumber(v)) kind = 'id-number';
    else if (v.length === 11 && /^1[3-9]\d{9}$/.test(v)) kind = 'mobile';
    else if (v.length >= 16 && v.length <= 19 && /^\d+$/.test(v) && /^[3-6]/.test(v) && !idShaped(v) && luhnValid(v)) kind = 'bank-card';
    if (kind) hits.push({ kind, value: v, masked: maskFor(kind, v), index: i });
  }
  return hits;
}

/** The text with every personal-data value masked: for every output (report, ticket, log). */
export function maskPii(text: string): string {
  const hits = findPii(text);
  if (!hits.length) return text;
  let out = '';
  let last = 0;
  for (const h of hits) {
    out += text.slice(last, h.index) + h.masked;
    last = h.index + h.value.length;
  }
  return out + text.slice(last);
}

/** Masks personal data in every string of a JSON-like value (evidence objects). */
export function maskDeep<T>(value: T): T {
  if (typeof value === 'string') return maskPii(value) as T;
  if (Array.isArray(value)) return value.map(maskDeep) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = maskDeep(v);
    return out as T;
  }
  return value;
}
