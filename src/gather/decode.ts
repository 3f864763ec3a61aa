/**
 * Decodes a page body to text: BOM, then the HTTP header charset, then <meta charset> /
 * http-equiv in the first 4 KB, then sniffing (UTF-8 — also when only a few stray bytes are
 * invalid, which become U+FFFD — else GB18030, the superset of GBK and GB2312 that legacy
 * Chinese government pages use). Node's TextDecoder (full ICU)
 * knows gbk/gb2312/gb18030, so no extra library is needed.
 */
import { isUtf8 } from 'node:buffer';

export interface Decoded {
  text: string;
  charset: string;
  source: 'header' | 'meta' | 'bom' | 'sniff' | 'default';
}

const ALIASES: Record<string, string> = {
  gb2312: 'gb18030', gbk: 'gb18030', 'x-gbk': 'gb18030', gb18030: 'gb18030', cp936: 'gb18030',
  'utf8': 'utf-8', 'utf-8': 'utf-8', big5: 'big5', 'iso-8859-1': 'windows-1252', 'latin1': 'windows-1252',
};

function normalise(label: string | undefined): string | undefined {
  if (!label) return undefined;
  const l = label.trim().toLowerCase().replace(/^["']|["']$/g, '');
  if (ALIASES[l]) return ALIASES[l];
  try {
    return new TextDecoder(l).encoding;
  } catch {
    return undefined;
  }
}

export function charsetFromContentType(ct: string | undefined): string | undefined {
  const m = ct?.match(/charset\s*=\s*["']?([\w.-]+)/i);
  return m ? m[1] : undefined;
}

function metaCharset(head: string): string | undefined {
  const m = head.match(/<meta[^>]+charset\s*=\s*["']?\s*([\w.-]+)/i);
  return m ? m[1] : undefined;
}

export function decodeBody(body: Buffer, contentType?: string): Decoded {
  if (body.length >= 3 && body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) {
    return { text: new TextDecoder('utf-8').decode(body.subarray(3)), charset: 'utf-8', source: 'bom' };
  }
  const fromHeader = normalise(charsetFromContentType(contentType));
  // Legacy portals often serve GBK pages behind a server-wide "charset=utf-8" header; when the
  // bytes are not UTF-8, the page's own declaration (or sniffing) decides instead.
  let utf8: boolean | undefined; // computed at most once: the walk is linear but not free
  const looksUtf8 = () => (utf8 ??= mostlyUtf8(body));
  const headerLies = fromHeader === 'utf-8' && !looksUtf8();
  if (fromHeader && !headerLies) return { text: new TextDecoder(fromHeader).decode(body), charset: labelOf(fromHeader), source: 'header' };
  // The meta tag is ASCII in every encoding we meet, so latin1 is safe for finding it.
  const head = body.subarray(0, 4096).toString('latin1');
  const fromMeta = normalise(metaCharset(head));
  if (fromMeta) return { text: new TextDecoder(fromMeta).decode(body), charset: labelOf(fromMeta), source: 'meta' };
  if (looksUtf8()) return { text: new TextDecoder('utf-8').decode(body), charset: 'utf-8', source: 'sniff' };
  return { text: new TextDecoder('gb18030').decode(body), charset: 'gb18030', source: 'sniff' };
}

/**
 * UTF-8, or UTF-8 with a few stray bytes (a GBK name pasted into a UTF-8 template, a cut
 * multibyte character): decoded as UTF-8 with U+FFFD for the stray bytes, not wholly as
 * GB18030, which would garble the whole page. GBK text forms a valid UTF-8 sequence only by
 * chance (about one pair in three), so a real GBK page has at least as many invalid sequences
 * as valid ones; here at most one invalid sequence per 10 valid multibyte ones passes as UTF-8.
 */
function mostlyUtf8(body: Buffer): boolean {
  if (isUtf8(body)) return true; // native check first: the common case costs no JS loop
  let valid = 0;
  let invalid = 0;
  const n = body.length;
  for (let i = 0; i < n; ) {
    const b = body[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    const len = b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    let ok = len > 0 && i + len <= n;
    for (let k = 1; ok && k < len; k++) ok = (body[i + k] & 0xc0) === 0x80;
    if (ok) {
      valid++;
      i += len;
    } else {
      invalid++;
      i++;
    }
  }
  return valid >= 8 && invalid * 10 <= valid;
}

function labelOf(encoding: string): string {
  return encoding === 'gb18030' ? 'gb18030' : encoding;
}
