/**
 * Decodes a page body to text: BOM, then the HTTP header charset, then <meta charset> /
 * http-equiv in the first 4 KB, then sniffing (valid UTF-8, else GB18030 — the superset of
 * GBK and GB2312 that legacy Chinese government pages use). Node's TextDecoder (full ICU)
 * knows gbk/gb2312/gb18030, so no extra library is needed.
 */

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
  const headerLies = fromHeader === 'utf-8' && !isUtf8(body);
  if (fromHeader && !headerLies) return { text: new TextDecoder(fromHeader).decode(body), charset: labelOf(fromHeader), source: 'header' };
  // The meta tag is ASCII in every encoding we meet, so latin1 is safe for finding it.
  const head = body.subarray(0, 4096).toString('latin1');
  const fromMeta = normalise(metaCharset(head));
  if (fromMeta) return { text: new TextDecoder(fromMeta).decode(body), charset: labelOf(fromMeta), source: 'meta' };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(body), charset: 'utf-8', source: 'sniff' };
  } catch {
    return { text: new TextDecoder('gb18030').decode(body), charset: 'gb18030', source: 'sniff' };
  }
}

function isUtf8(body: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(body);
    return true;
  } catch {
    return false;
  }
}

function labelOf(encoding: string): string {
  return encoding === 'gb18030' ? 'gb18030' : encoding;
}
