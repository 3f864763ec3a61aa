/**
 * Personal data in published text (task 35; standards §9): 18-digit resident ID numbers
 * (valid area code, date and ISO 7064 MOD 11-2 check digit), old 15-digit resident ID numbers
 * (第一代居民身份证号码: valid area code and 19YY birth date, no check digit, so only with an ID
 * keyword before them or standing alone in a table cell / list item), personal mobile numbers,
 * bank card numbers (Luhn). Not personal: unified social credit codes, 15-digit business
 * registration numbers (注册号), digit runs inside file names or URLs, office fixed lines,
 * values already masked. Pure; shared by the privacy audit, every output that must mask, and
 * the extension.
 *
 * Values are found as written on real pages: plain runs (350102199001011234), grouped
 * (350102 19900101 1234, 138-1234-5678, 6222 0212 3456 7890 123), with a +86 prefix, and in
 * full-width digits. Masking keeps the length of the text (only digits become *), so offsets
 * into a masked text are offsets into the original.
 */

/** 'id-number': 18-digit resident ID; 'id-number-15': old 15-digit (first-generation) resident ID. */
export type PiiKind = 'id-number' | 'id-number-15' | 'mobile' | 'bank-card';

export interface PiiHit {
  kind: PiiKind;
  /** The value's digits, canonical (no separators, ASCII, X upper-case). Never output it. */
  value: string;
  /** The canonical value masked: 3501**********1234, 3301*******2123, 138****5678. Safe to output. */
  masked: string;
  /** Where the value starts in the text. */
  index: number;
  /** Characters the value spans in the text as written (separators and prefix included). */
  length: number;
}

export const PII_KIND_ZH: Record<PiiKind, string> = { 'id-number': '居民身份证号码', 'id-number-15': '15 位（一代）身份证号码', mobile: '个人手机号码', 'bank-card': '银行卡号' };

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';
/** First two digits of valid 行政区划代码 (provinces, autonomous regions, municipalities, HK/MO/TW). */
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

/**
 * Provinces a first-generation (15-digit) ID was issued in: the mainland ones of PROVINCES.
 * 71/81/82 (Taiwan, Hong Kong, Macao) only ever appear in 18-digit numbers (residence permits).
 */
const PROVINCES_15 = new Set([...PROVINCES].filter((p) => !['71', '81', '82'].includes(p)));

/**
 * An old 15-digit resident ID number (GB 11643-1989): a province area code (digits 1–6, the
 * same province check as the 18-digit number, mainland only), a birth date YYMMDD read as 19YY
 * (digits 7–12, a real day of a real month, leap years included) and a sequence code (13–15).
 * There is no check digit, so a valid shape alone does not make a digit run an ID: findPii
 * also requires context.
 */
export function isValidIdNumber15(id: string): boolean {
  if (!/^\d{15}$/.test(id)) return false;
  if (!PROVINCES_15.has(id.slice(0, 2))) return false;
  const y = 1900 + Number(id.slice(6, 8));
  const m = Number(id.slice(8, 10));
  const d = Number(id.slice(10, 12));
  if (m < 1 || m > 12 || d < 1) return false;
  return d <= new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/**
 * A 15-digit business registration number (工商注册号, GS 15-2006) with a valid ISO 7064
 * MOD 11,10 check digit. It starts with an area code like an old ID number does.
 */
export function isRegistrationNumber15(code: string): boolean {
  if (!/^\d{15}$/.test(code)) return false;
  let p = 10;
  for (let i = 0; i < 14; i++) p = (((p + Number(code[i])) % 10 || 10) * 2) % 11;
  return (p + Number(code[14])) % 10 === 1;
}

/** 18 digits with a province and a plausible birth date: an ID number (maybe mistyped), not a card. */
function idShaped(v: string): boolean {
  if (v.length !== 18 || !PROVINCES.has(v.slice(0, 2))) return false;
  const y = Number(v.slice(6, 10));
  const m = Number(v.slice(10, 12));
  return y >= 1900 && y <= 2100 && m >= 1 && m <= 12;
}

export function luhnValid(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
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

const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** A unified social credit code (统一社会信用代码, GB 32100-2015) with a valid check character. */
export function isCreditCode(code: string): boolean {
  const c = code.toUpperCase();
  if (!/^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/.test(c)) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += USCC_CHARS.indexOf(c[i]) * USCC_WEIGHTS[i];
  const r = 31 - (sum % 31);
  return USCC_CHARS[r === 31 ? 0 : r] === c[17];
}

/** Keeps the first `head` and last `tail` characters: 3501**********1234. */
export function maskValue(value: string, head = 4, tail = 4): string {
  if (value.length <= head + tail) return '*'.repeat(value.length);
  return value.slice(0, head) + '*'.repeat(value.length - head - tail) + value.slice(-tail);
}

// 15-digit IDs keep what 18-digit ones keep: the first 4 and the last 4 (3301*******2123).
const KEEP: Record<PiiKind, [number, number]> = { 'id-number': [4, 4], 'id-number-15': [4, 4], mobile: [3, 4], 'bank-card': [4, 4] };

/** The canonical masked form of a value of this kind (138****5678, 3501**********1234, 3301*******2123). */
export function maskAs(kind: PiiKind, value: string): string {
  const [h, t] = KEEP[kind];
  return maskValue(value, h, t);
}

/**
 * How a page should publish each kind masked, as the advice in messages shows it: a mobile as a
 * mobile, not as an ID number. ID numbers keep the area code and the last 4 (the birth date is
 * the personal part); a bank card keeps only its last 4, as bank statements print it.
 */
export const MASK_EXAMPLE: Record<PiiKind, string> = {
  'id-number': '3501**********1234',
  'id-number-15': '3301*******2123',
  mobile: '138****1234',
  'bank-card': '**** **** **** 1234（只保留末 4 位）',
};

/** Full-width digits and X read as ASCII; one UTF-16 unit each, so offsets stay the same. */
function asciiDigits(text: string): string {
  return text.replace(/[\uFF10-\uFF19\uFF38\uFF58]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));
}

// Candidates, grouped forms first; never glued to other ASCII letters or digits.
const CANDIDATE_RE = new RegExp(
  '(?<![0-9A-Za-z])(' +
    [
      '\\d{6}[ -]\\d{8}[ -]\\d{3}[\\dXx]', // ID 6-8-4
      '\\d{6}[ -]\\d{6}[ -]\\d{3}', // 15-digit ID 6-6-3
      '(?:\\+?86[ -]?)?1[3-9]\\d[ -]\\d{4}[ -]\\d{4}', // mobile 3-4-4
      '\\d{4}(?:[ -]\\d{4}){3}(?:[ -]\\d{1,4})?', // card 4-4-4-4(-n)
      '\\+?86[ -]?1[3-9]\\d{9}', // mobile with country code
      '\\d{17}[Xx]',
      '\\d{11,19}',
    ].join('|') +
    ')(?![0-9A-Za-z])',
  'g',
);

/** Labels after which a digit run is an organisation's or a document's number, not a person's. */
const NOT_PERSONAL_LABEL = /(信用代码|机构代码|识别号|税号|索引号|登记号|登记证号|许可证号|证书编号|编号|文号|订单号|流水号|备案号|标识码|代码)[：:\s]*$/;
const EXT_AFTER = /^\.[A-Za-z][A-Za-z0-9]{1,4}(?![A-Za-z0-9])/;

/** True when the run is part of a URL, a path, a file name, an e-mail address or a code. */
function inUrlOrFileName(text: string, start: number, end: number): boolean {
  let s = start;
  while (s > 0 && /[\x21-\x7e]/.test(text[s - 1])) s--;
  let e = end;
  while (e < text.length && /[\x21-\x7e]/.test(text[e])) e++;
  const token = text.slice(s, e);
  if (/:\/\/|www\.|@/i.test(token)) return true;
  if (token.startsWith('/') || (token.match(/\//g) ?? []).length >= 2 || token.includes('\\')) return true;
  if (EXT_AFTER.test(text.slice(end, end + 8))) return true;
  const before = text[start - 1] ?? '';
  const after = text[end] ?? '';
  if (/[_=?&#.%]/.test(before) || /[_=?&#%]/.test(after)) return true;
  // a/b: a path segment unless both sides are numbers (13812345678/13912345678)
  if (before === '/' && !/\d/.test(text[start - 2] ?? '')) return true;
  if (after === '/' && !/\d/.test(text[end + 1] ?? '')) return true;
  // A code like ABC-350102…: a hyphen glued to letters or digits before the run.
  if (before === '-' && /[0-9A-Za-z]/.test(text[start - 2] ?? '')) return true;
  if (after === '-' && /[0-9A-Za-z]/.test(text[end + 1] ?? '')) return true;
  return false;
}

/** The keywords that say the number after them is a resident ID number (longest first). */
const ID_KEYWORD_RE = /公民身份号码|身份证号码|身份证号|身份证(?!明)|身份号码|证件号码|证件号/g;
/** Labels that say the number after them is something else: an organisation's or a document's number. */
const NOT_ID15_LABEL_RE = /信用代码|机构代码|识别号|税号|注册号|执照号|索引号|登记号|登记证号|许可证号|编号|文号|单号|流水号|备案号|标识码|代码|档案号|合同号|批号|账号|卡号/g;
/** How far (characters) before a 15-digit ID its keyword may end. */
const ID15_KEYWORD_GAP = 20;

function lastMatchEnd(re: RegExp, s: string): number {
  let end = -1;
  for (const m of s.matchAll(re)) end = m.index! + m[0].length;
  return end;
}

/** The run is all its block has: a table cell, list item or paragraph of its own (parse.ts puts each block on a line). */
function standsAlone(t: string, start: number, end: number): boolean {
  let s = start;
  while (s > 0 && /[ \u3000\u00a0]/.test(t[s - 1])) s--;
  let e = end;
  while (e < t.length && /[ \u3000\u00a0]/.test(t[e])) e++;
  return (s === 0 || /[\n\r\t]/.test(t[s - 1])) && (e === t.length || /[\n\r\t]/.test(t[e]));
}

/**
 * Whether a valid-shaped 15-digit run is an old ID number by its context (it has no check
 * digit, so context must say so): an ID keyword ending at most 20 characters before it, with no
 * other label (注册号, 索引号, 订单号, 代码…) between; or, without a keyword, the run standing
 * alone in its block with no such label in the 20 characters before and not a valid 注册号.
 */
function id15InContext(digits: string, t: string, start: number, end: number): boolean {
  const win = t.slice(Math.max(0, start - ID15_KEYWORD_GAP - 6), start);
  const near = win.slice(-ID15_KEYWORD_GAP);
  const kwEnd = lastMatchEnd(ID_KEYWORD_RE, win);
  const keyword = kwEnd >= 0 && win.length - kwEnd <= ID15_KEYWORD_GAP;
  const labelEnd = lastMatchEnd(NOT_ID15_LABEL_RE, win);
  if (labelEnd >= 0 && (keyword ? labelEnd > kwEnd : win.length - labelEnd <= near.length)) return false;
  if (keyword) return true;
  return standsAlone(t, start, end) && !isRegistrationNumber15(digits);
}

function classify(digits: string, labelBefore: string): { kind: PiiKind; value: string; skip: number } | undefined {
  const orgLabel = NOT_PERSONAL_LABEL.test(labelBefore);
  if (digits.length === 18 && isValidIdNumber(digits) && !/(信用代码|机构代码|识别号|税号)[：:\s]*$/.test(labelBefore)) return { kind: 'id-number', value: digits, skip: 0 };
  if (/^1[3-9]\d{9}$/.test(digits)) return { kind: 'mobile', value: digits, skip: 0 };
  if (/^861[3-9]\d{9}$/.test(digits)) return { kind: 'mobile', value: digits.slice(2), skip: 2 };
  if (
    digits.length >= 16 && digits.length <= 19 && /^\d+$/.test(digits) && /^[3-6]/.test(digits) &&
    !idShaped(digits) && !(digits.length === 18 && isCreditCode(digits)) && !orgLabel && luhnValid(digits)
  ) {
    return { kind: 'bank-card', value: digits, skip: 0 };
  }
  return undefined;
}

/** The span as written with its digits masked like the canonical value (same length). */
function maskWritten(span: string, kind: PiiKind, valueLen: number, skip: number): string {
  const [head, tail] = KEEP[kind];
  let k = -skip; // index among the value's digits (the +86 prefix digits are kept)
  let out = '';
  for (const ch of span) {
    if (/[0-9Xx\uFF10-\uFF19\uFF38\uFF58]/.test(ch)) {
      const keep = k < 0 || (valueLen > head + tail && (k < head || k >= valueLen - tail));
      out += keep ? ch : '*';
      k++;
    } else out += ch;
  }
  return out;
}

interface RawHit extends PiiHit {
  maskedWritten: string;
}

function scan(text: string): RawHit[] {
  const t = asciiDigits(text);
  const hits: RawHit[] = [];
  for (const m of t.matchAll(CANDIDATE_RE)) {
    const span = m[1];
    const start = m.index!;
    const end = start + span.length;
    if (inUrlOrFileName(t, start, end)) continue;
    const digits = span.replace(/[^0-9Xx]/g, '').toUpperCase();
    // A grouped match must split where the kind's own grouping splits, otherwise it is a list of numbers.
    const grouped = /[ -]/.test(span.replace(/^\+?86[ -]?/, ''));
    const c =
      digits.length === 15
        ? isValidIdNumber15(digits) && id15InContext(digits, t, start, end) ? { kind: 'id-number-15' as const, value: digits, skip: 0 } : undefined
        : classify(digits, t.slice(Math.max(0, start - 12), start));
    if (!c) continue;
    if (grouped) {
      const shape = span.replace(/^\+?86[ -]?/, '').replace(/[0-9Xx]/g, 'd');
      const ok =
        (c.kind === 'id-number' && /^d{6}[ -]d{8}[ -]d{4}$/.test(shape)) ||
        (c.kind === 'id-number-15' && /^d{6}[ -]d{6}[ -]d{3}$/.test(shape)) ||
        (c.kind === 'mobile' && /^d{3}[ -]d{4}[ -]d{4}$/.test(shape)) ||
        (c.kind === 'bank-card' && /^d{4}([ -]d{4}){3}([ -]d{1,4})?$/.test(shape));
      if (!ok) continue;
    }
    const written = text.slice(start, end);
    hits.push({ kind: c.kind, value: c.value, masked: maskAs(c.kind, c.value), index: start, length: span.length, maskedWritten: maskWritten(written, c.kind, c.value.length, c.skip) });
  }
  return hits;
}

export function findPii(text: string): PiiHit[] {
  return scan(text).map(({ maskedWritten: _, ...h }) => h);
}

/**
 * The text with every personal-data value masked: for every output (report, ticket, log).
 * Only digits change, so the result has the same length as the input.
 */
export function maskPii(text: string): string {
  const hits = scan(text);
  if (!hits.length) return text;
  let out = '';
  let last = 0;
  for (const h of hits) {
    out += text.slice(last, h.index) + h.maskedWritten;
    last = h.index + h.length;
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
