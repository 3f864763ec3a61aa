/** Memory-first mode (src/gather/gc.ts): its page threshold read from the environment, and the count of runs in it. */
import { describe, expect, it } from 'vitest';
import { enterMemoryFirst, memoryFirstPages, memoryFirstRunsNow } from '../src/gather/gc.ts';

describe('memory-first mode', () => {
  it('starts at 20,000 pages unless ZHAOCUO_MEMORY_FIRST_PAGES says a whole number', () => {
    expect(memoryFirstPages({})).toBe(20_000);
    expect(memoryFirstPages({ ZHAOCUO_MEMORY_FIRST_PAGES: '0' })).toBe(0);
    expect(memoryFirstPages({ ZHAOCUO_MEMORY_FIRST_PAGES: '5000' })).toBe(5000);
    for (const bad of ['', 'many', '-1', '2.5', 'Infinity']) expect(memoryFirstPages({ ZHAOCUO_MEMORY_FIRST_PAGES: bad }), bad).toBe(20_000);
  });

  it('stays on while any run of the process is in it, and each run leaves once', () => {
    expect(memoryFirstRunsNow()).toBe(0);
    const a = enterMemoryFirst();
    const b = enterMemoryFirst();
    expect(memoryFirstRunsNow()).toBe(2);
    a();
    a(); // a run that leaves twice (its finally after a throw) counts once
    expect(memoryFirstRunsNow()).toBe(1);
    b();
    expect(memoryFirstRunsNow()).toBe(0);
  });
});
