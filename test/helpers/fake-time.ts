import { afterEach, beforeEach, expect, vi } from 'vitest';

/**
 * Fake timers for every test of the file, the clock set to `at`; after each test nothing may still be
 * scheduled (a timer left behind is a leak a user would have).
 */
export function useFakeTime(at = '2026-12-01T12:00:00Z'): void {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date(at));
  });
  afterEach(() => {
    expect(vi.getTimerCount()).toBe(0);
    vi.useRealTimers();
  });
}
