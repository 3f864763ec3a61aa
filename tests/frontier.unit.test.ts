import { describe, expect, it } from 'vitest';
import { Frontier, originOf } from '../src/gather/frontier.ts';

describe('the crawl frontier', () => {
  it('runs at most `window` tasks of an origin, the rest first in, first out as tasks end', () => {
    const f = new Frontier(2);
    const started: string[] = [];
    const dones = new Map<string, () => void>();
    for (const p of ['a', 'b', 'c', 'd']) f.add(`http://x.gov.cn/${p}`, (done) => (started.push(p), dones.set(p, done)));
    expect(started).toEqual(['a', 'b']);
    expect(f.waiting).toBe(2);
    dones.get('b')!();
    expect(started).toEqual(['a', 'b', 'c']);
    dones.get('a')!();
    dones.get('c')!();
    expect(started).toEqual(['a', 'b', 'c', 'd']);
    dones.get('d')!();
    expect(f.waiting).toBe(0);
    // All ended: the origin has its whole window again.
    f.add('http://x.gov.cn/e', () => started.push('e'));
    f.add('http://x.gov.cn/f', () => started.push('f'));
    expect(started.slice(4)).toEqual(['e', 'f']);
  });

  it('keeps a busy origin from holding up another', () => {
    const f = new Frontier(1);
    const started: string[] = [];
    f.add('http://slow.gov.cn/1', () => started.push('slow1'));
    f.add('http://slow.gov.cn/2', () => started.push('slow2'));
    f.add('https://fast.gov.cn:8443/1', () => started.push('fast1'));
    expect(started).toEqual(['slow1', 'fast1']);
  });

  it('names an origin by string', () => {
    expect(originOf('https://www.gov.cn:8443/a/b?c')).toBe('https://www.gov.cn:8443');
    expect(originOf('http://[::1]:80/')).toBe('http://[::1]:80');
  });
});
