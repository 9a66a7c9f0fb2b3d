// MemoryStore: the KitStore contract on a fake clock (the Redis store's tests hold it to the same contract).
import { describe, expect, it, vi } from 'vitest';
import { MemoryStore } from '../../../src/server/index.js';
import { useFakeTime } from '../../helpers/fake-time.js';

useFakeTime();

describe('MemoryStore', () => {
  it('get/set with a time-to-live: gone once it expired, and set replaces value and TTL', async () => {
    const store = new MemoryStore();
    await store.set('a', 'one', 1_000);
    expect(await store.get('a')).toBe('one');
    vi.advanceTimersByTime(999);
    await store.set('a', 'two', 1_000);
    vi.advanceTimersByTime(999);
    expect(await store.get('a')).toBe('two');
    vi.advanceTimersByTime(1);
    expect(await store.get('a')).toBeUndefined();
    expect(await store.get('never')).toBeUndefined();
  });

  it('take is get-and-delete, once', async () => {
    const store = new MemoryStore();
    await store.set('a', 'one', 1_000);
    expect(await store.take('a')).toBe('one');
    expect(await store.take('a')).toBeUndefined();
    await store.set('b', 'two', 1_000);
    vi.advanceTimersByTime(1_000);
    expect(await store.take('b')).toBeUndefined();
  });

  it('increment starts at 0 with the TTL, keeps the first TTL, takes negative steps', async () => {
    const store = new MemoryStore();
    expect(await store.increment('n', 1_000)).toBe(1);
    vi.advanceTimersByTime(600);
    expect(await store.increment('n', 1_000)).toBe(2);
    expect(await store.increment('n', 1_000, -1)).toBe(1);
    expect(await store.increment('n', 1_000, 5)).toBe(6);
    expect(await store.get('n')).toBe('6');
    vi.advanceTimersByTime(400); // the first TTL, not the last
    expect(await store.get('n')).toBeUndefined();
    expect(await store.increment('n', 1_000)).toBe(1);
  });

  it('refuses to increment a value that is no integer', async () => {
    const store = new MemoryStore();
    await store.set('s', 'text', 1_000);
    await expect(store.increment('s', 1_000)).rejects.toBeInstanceOf(TypeError);
  });
});
