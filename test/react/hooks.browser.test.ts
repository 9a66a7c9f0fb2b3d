// The React hooks in Chromium under StrictMode, over the emulator in the page (its request log is what
// the SDK sent): one send per start, nothing sent after unmount, sign-in reaching the kept session.
import { createElement, StrictMode, useEffect } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSessionKeeper, EnchantedLinkClient, type SessionKeeper } from '../../src/index.js';
import { PATHS } from '../../src/protocol/paths.js';
import { createEmulator } from '../../src/testing/emulator.js';
import { useSignInFlow, useSessionKeeper, type UseSignInFlowResult, type UseSessionKeeperResult } from '../../src/react/index.js';
import { unlimitedBudget } from '../helpers/fixtures.js';

const emulator = createEmulator();
const client = new EnchantedLinkClient({ projectId: emulator.projectId, fetch: emulator.fetch, ...unlimitedBudget() });
const POLL = { intervalMs: 20, maxIntervalMs: 20 };
const sent = (path: string) => emulator.requests.filter((r) => r.path === path).length;

let root: Root;
let container: HTMLElement;
let flow: UseSignInFlowResult;
let kept: UseSessionKeeperResult;
let keeper: SessionKeeper;
let mounts = 0;

function App() {
  flow = useSignInFlow(client, { poll: POLL, onSignedIn: keeper.set });
  kept = useSessionKeeper(keeper);
  useEffect(() => void mounts++, []);
  return createElement('p', { id: 'state' }, `${flow.snapshot.status} ${kept.snapshot.status}`);
}

/** Waits in real time, checking every 10 ms, until `check()` holds (2 s at most). */
async function until(check: () => boolean, what: string) {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  if (!check()) throw new Error(`timed out waiting for ${what}`);
}

beforeEach(async () => {
  emulator.reset();
  mounts = 0;
  keeper = createSessionKeeper(client);
  container = document.createElement('div');
  document.body.append(container);
  root = createRoot(container);
  // Rendered as an app renders (no act()): updates arrive from the SDK's own requests and timers.
  root.render(createElement(StrictMode, null, createElement(App)));
  await until(() => container.textContent !== '', 'the first render');
});
afterEach(() => {
  keeper.dispose();
  container.remove();
});

describe('useSignInFlow under StrictMode', () => {
  it('mounts twice without a request, sends once per start, and polls nothing after unmount', async () => {
    expect(mounts).toBe(2); // StrictMode's double mount did happen
    expect(emulator.requests).toHaveLength(0);
    expect(container.textContent).toBe('idle signed-out');

    flow.start('ada@example.com');
    await until(() => flow.snapshot.status === 'waiting', 'waiting');
    expect(sent(PATHS.signInOrUp)).toBe(1);
    if (flow.snapshot.status !== 'waiting') throw new Error('not waiting');
    expect(flow.snapshot.linkId).toBe(emulator.lastEmail('ada@example.com')!.links.find((l) => l.correct)!.number);
    await until(() => sent(PATHS.pendingSession) >= 2, 'two polls');

    root.unmount();
    const after = emulator.requests.length;
    // Ten poll intervals: a poll left running would have sent several requests by now.
    await new Promise((resolve) => setTimeout(resolve, 10 * POLL.intervalMs));
    expect(emulator.requests.length).toBe(after);
    expect(sent(PATHS.signInOrUp)).toBe(1);
  });

  it('unmounted right after start(): the send is abandoned and no poll follows', async () => {
    flow.start('ada@example.com');
    root.unmount(); // the send has not been answered yet
    await new Promise((resolve) => setTimeout(resolve, 10 * POLL.intervalMs));
    expect(sent(PATHS.signInOrUp)).toBeLessThanOrEqual(1);
    expect(sent(PATHS.pendingSession)).toBe(0);
  });

  it('signs in and hands the session to the kept session', async () => {
    flow.start('grace@example.com');
    await until(() => flow.snapshot.status === 'waiting', 'waiting');
    await emulator.click('grace@example.com');
    await until(() => container.textContent === 'signed-in signed-in', 'signed in');
    if (kept.snapshot.status !== 'signed-in') throw new Error('not signed in');
    expect(kept.snapshot.session.user?.email).toBe('grace@example.com');
    expect(sent(PATHS.signInOrUp)).toBe(1);
    root.unmount();
  });

  it('cancel stops the wait and the page shows it', async () => {
    flow.start('alan@example.com');
    await until(() => flow.snapshot.status === 'waiting', 'waiting');
    flow.cancel();
    await until(() => container.textContent === 'cancelled signed-out', 'cancelled');
    const after = emulator.requests.length;
    await new Promise((resolve) => setTimeout(resolve, 10 * POLL.intervalMs));
    expect(emulator.requests.length).toBe(after);
    root.unmount();
  });
});
