import { describe, expect, it } from 'vitest';
import { decodeBody } from '../src/gather/decode.ts';
import { findDates } from '../src/gather/dates.ts';

// "海洋与渔业局" in GBK, written out so the test needs no encoder.
const GBK = Buffer.from([0xba, 0xa3, 0xd1, 0xf3, 0xd3, 0xeb, 0xd3, 0xe6, 0xd2, 0xb5, 0xbe, 0xd6]);
const page = (head: string) => Buffer.concat([Buffer.from(`<html><head>${head}<title>`), GBK, Buffer.from('</title></head></html>')]);

describe('decodeBody', () => {
  it('trusts the header, then <meta>, then sniffs', () => {
    expect(decodeBody(page(''), 'text/html; charset=gbk')).toMatchObject({ source: 'header', charset: 'gb18030' });
    expect(decodeBody(page('<meta charset="gb2312">'), 'text/html').text).toContain('海洋与渔业局');
    expect(decodeBody(page(''), 'text/html')).toMatchObject({ source: 'sniff', charset: 'gb18030' });
    expect(decodeBody(Buffer.from('<title>海洋</title>'), undefined)).toMatchObject({ source: 'sniff', charset: 'utf-8' });
  });
  it('does not believe a utf-8 header over GBK bytes', () => {
    const d = decodeBody(page('<meta http-equiv="Content-Type" content="text/html; charset=gbk">'), 'text/html; charset=utf-8');
    expect(d).toMatchObject({ source: 'meta', charset: 'gb18030' });
    expect(d.text).toContain('海洋与渔业局');
  });
  it('a UTF-8 page with a few stray GBK bytes stays UTF-8, with replacement characters', () => {
    const text = '<html><head><title>示例省海洋与渔业局 通知公告</title></head><body>' + '<p>关于开展政府网站检查工作的通知，请各处室按时报送。</p>'.repeat(20);
    const mixed = Buffer.concat([Buffer.from(text), Buffer.from('<p>联系人：'), GBK, Buffer.from('</p></body></html>')]);
    for (const ct of ['text/html; charset=utf-8', 'text/html']) {
      const d = decodeBody(mixed, ct);
      expect(d.charset, ct).toBe('utf-8');
      expect(d.text, ct).toContain('示例省海洋与渔业局 通知公告');
      expect(d.text, ct).toContain('\uFFFD');
    }
  });
  it('a true GBK page still decodes as GBK, even behind a utf-8 header', () => {
    const long = Buffer.concat([Buffer.from('<html><head><title>'), ...new Array(200).fill(GBK), Buffer.from('</title></head></html>')]);
    for (const ct of ['text/html; charset=utf-8', 'text/html']) {
      const d = decodeBody(long, ct);
      expect(d.charset, ct).toBe('gb18030');
      expect(d.text, ct).toContain('海洋与渔业局海洋与渔业局');
      expect(d.text, ct).not.toContain('\uFFFD');
    }
  });
  it('honours a UTF-8 BOM', () => {
    expect(decodeBody(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('政务')]), 'text/html; charset=gbk')).toMatchObject({ text: '政务', source: 'bom' });
  });
});

describe('findDates', () => {
  it('reads the forms list pages use, and rejects impossible dates', () => {
    expect(findDates('[2026-11-18] 2026/1/8 (2026.02.28) 2026年3月1日 2026-02-30 12026-01-01')).toEqual(['2026-11-18', '2026-01-08', '2026-02-28', '2026-03-01']);
  });
});
