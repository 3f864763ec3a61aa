/** The run's snapshot of its pages (src/gather/page-snapshot.ts) and the text file it is read into. */
import { describe, expect, it } from 'vitest';
import { decodeSnapshotChunk, encodeSnapshotChunk, snapshotUrls } from '../src/gather/page-snapshot.ts';
import { spilledAt, spilledBytes, spillText, TextSpill } from '../src/gather/text-spill.ts';
import type { StoredPage } from '../src/gather/page-cache.ts';

const long = (i: number) => `第${i}页 政府信息公开 ${'办事服务 '.repeat(90)} é ✓ ${i}`;

describe('page snapshot', () => {
  it('keeps what pages share shared, and each long text as its bytes, read into the next run\'s text file', () => {
    const nav = { url: 'http://a.test/xwdt/', text: '新闻动态', kind: 'a' as const, inNav: true };
    const pages = [0, 1, 2].map((i) => ({ finalUrl: `http://a.test/${i}.html`, title: `标题${i}`, text: i === 2 ? '短' : long(i), links: [nav, { url: `http://a.test/x${i}`, text: `第${i}`, kind: 'a' as const }], publishedAt: undefined }));
    const spill = new TextSpill();
    const spilled = pages.map((p) => spillText(p, spill));
    expect(spilledBytes(spilled[0])?.toString('utf8')).toBe(long(0));
    expect(spilledBytes(spilled[2])).toBeUndefined(); // a short text stays on the page
    const blob = encodeSnapshotChunk(spilled.map((p, i) => {
      const bytes = spilledBytes(p);
      return { url: p.finalUrl, hash: `h${i}`, page: { ...p, text: bytes ? '' : p.text } as unknown as StoredPage, ...(bytes ? { textBytes: bytes } : {}) };
    }));
    // where each page is, read without opening the chunk
    expect(snapshotUrls(blob)).toEqual(pages.map((p) => p.finalUrl));
    const chunk = decodeSnapshotChunk(blob)!;
    expect(chunk.entries.map((e) => [e.url, e.hash])).toEqual(pages.map((p, i) => [p.finalUrl, `h${i}`]));
    // one object for the link every page has, as in the run that stored it
    expect(chunk.entries[0].page.links[0]).toBe(chunk.entries[1].page.links[0]);
    expect(chunk.entries[0].page.links[0]).toEqual(nav);
    expect('publishedAt' in chunk.entries[0].page).toBe(true);
    // the texts go to another run's file at once; a page takes its own back by its range
    const next = new TextSpill();
    next.put(long(99)); // the file already holds other texts
    const base = next.putRaw(chunk.texts);
    const read = chunk.entries.map((e) => (e.text ? spilledAt({ ...e.page }, next, next.adopt(base + e.text[0], base + e.text[1])) : e.page));
    expect(read.map((p) => p.text)).toEqual(pages.map((p) => p.text));
    expect(Object.keys(read[0])).toEqual(Object.keys(pages[0]));
    expect(next.get(0)).toBe(long(99));
  });

  it('a chunk that cannot be read is none (the rows serve)', () => {
    expect(decodeSnapshotChunk(Buffer.from('not a snapshot'))).toBeUndefined();
    expect(snapshotUrls(Buffer.from('not a snapshot'))).toBeUndefined();
    expect(snapshotUrls(Buffer.alloc(2))).toBeUndefined();
    const good = encodeSnapshotChunk([{ url: 'http://a.test/', hash: 'h', page: { title: 't' } as unknown as StoredPage }]);
    expect(decodeSnapshotChunk(good.subarray(0, good.length - 8))).toBeUndefined();
  });
});
