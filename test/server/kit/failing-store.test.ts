// A store can fail at any call (Redis restarts, a connection drops, a failover): the kit must turn each
// failure into an answer, never into a rejection nobody handles, which ends a Node process (a Hono instance
// of the fleet test died of one when `SignIns.add` left one write unwatched while it sealed the other).
// The whole flow runs once per store call, with that call failing, and once with every call from it on
// failing (the store gone for good).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryStore } from '../../../src/server/index.js';
import { Browser, formFields, kitSetup, pathOf } from './helpers.js';

/** A MemoryStore whose calls fail (rejecting at once, as a closed client does) as `failing(n)` says. */
class FailingStore extends MemoryStore {
  calls = 0;
  failing: (call: number) => boolean = () => false;

  #next(): Promise<never> | undefined {
    this.calls += 1;
    return this.failing(this.calls) ? Promise.reject(new Error('connection to redis://user:hunter2@10.0.0.1 lost')) : undefined;
  }

  override get(key: string) {
    return this.#next() ?? super.get(key);
  }

  override set(key: string, value: string, ttlMs: number) {
    return this.#next() ?? super.set(key, value, ttlMs);
  }

  override take(key: string) {
    return this.#next() ?? super.take(key);
  }

  override increment(key: string, ttlMs: number, by?: number) {
    return this.#next() ?? super.increment(key, ttlMs, by);
  }
}

const unhandled: unknown[] = [];
const record = (reason: unknown) => unhandled.push(reason);
beforeEach(() => {
  unhandled.length = 0;
  process.on('unhandledRejection', record);
});
afterEach(() => {
  process.off('unhandledRejection', record);
});

/** A turn of the event loop: a rejection left unhandled by the flow is reported by then. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Signs in, reads the session, refreshes it and signs out, going on whatever each step answers (a
 * person retrying); resolves to every answer as `METHOD path status error`.
 */
async function flow(store: FailingStore): Promise<string[]> {
  const setup = kitSetup(store);
  // A short long-poll: a sign-in whose confirmation was lost answers `pending` after 50 ms of real time.
  const kit = setup.instance({ waitMs: 50 });
  const person = new Browser();
  const phone = new Browser();
  const answers: string[] = [];
  const send = async (browser: Browser, path: string, init: Parameters<Browser['request']>[1] = {}) => {
    const sent = await browser.send(kit, path, init);
    answers.push(`${browser.request(path, init).method} ${path.split('?')[0]} ${sent.response.status} ${sent.body?.error ?? ''}`.trim());
    return sent;
  };
  const started = await send(person, '/auth/start', { json: { email: 'ada@example.com' } });
  const { handle = 'none', linkId = '00' } = started.body as { handle?: string; linkId?: string };
  const link = setup.emulator.lastEmail('ada@example.com')?.links.find(({ correct }) => correct);
  if (link) {
    const page = await send(phone, pathOf(link.url));
    await send(phone, '/auth/confirm', { form: { ...(typeof page.body === 'string' ? formFields(page.body) : {}), number: linkId } });
  }
  // After the confirmation, so a confirmed sign-in answers at once (one poll of Descope, no waiting).
  await send(person, '/auth/status', { json: { handle } });
  await send(person, '/auth/session');
  await send(person, '/auth/refresh', { method: 'POST' });
  await send(person, '/auth/sign-out', { method: 'POST' });
  return answers;
}

describe('server kit: a store that fails at any call', () => {
  it('signs in with a store that never fails (the calls the other cases fail one by one)', async () => {
    const store = new FailingStore();
    expect(await flow(store)).toEqual([
      'POST /auth/start 200',
      'GET /auth/confirm 200',
      'POST /auth/confirm 200',
      'POST /auth/status 200',
      'GET /auth/session 200',
      'POST /auth/refresh 200',
      'POST /auth/sign-out 204',
    ]);
    expect(store.calls).toBeGreaterThan(10);
  });

  it.each([
    ['only that call fails', (at: number) => (call: number) => call === at],
    ['that call and every later one fail', (at: number) => (call: number) => call >= at],
  ])('answers every request, leaving no unhandled rejection, whichever call fails (%s)', async (_, failing) => {
    const total = new FailingStore();
    await flow(total);
    for (let at = 1; at <= total.calls; at++) {
      const store = new FailingStore();
      store.failing = failing(at);
      const answers = await flow(store);
      await settle();
      const seen = `store call ${at} failing: ${answers.join(', ')}`;
      expect(unhandled.map(String), seen).toEqual([]);
      // A failed store call is a 503 (try again), or degrades into an answer of the flow; never a 500.
      for (const answer of answers) expect(answer, seen).toMatch(/ (200|204|400|401|403|404|409|410|503 store_unavailable)( [a-z_]+)?$/);
      expect(answers.some((answer) => answer.includes('503 store_unavailable')) || answers.every((answer) => !/ 5\d\d/.test(answer)), seen).toBe(true);
      expect(answers.join(' '), seen).not.toContain('hunter2');
    }
  });
});
