// A server render with react-dom/server: importing the entry and rendering both hooks reads no browser global.
import { createElement } from 'react';
import { renderToString } from 'react-dom/server';
import { afterEach, expect, it } from 'vitest';

const BROWSER_GLOBALS = [
  'window',
  'document',
  'navigator',
  'location',
  'localStorage',
  'sessionStorage',
  'BroadcastChannel',
  'addEventListener',
  'removeEventListener',
];
const saved = new Map<string, PropertyDescriptor | undefined>();

/** Replaces every browser global with a getter that records the read (and yields `undefined`). */
function trapBrowserGlobals(): string[] {
  const reads: string[] = [];
  for (const name of BROWSER_GLOBALS) {
    saved.set(name, Object.getOwnPropertyDescriptor(globalThis, name));
    Object.defineProperty(globalThis, name, {
      configurable: true,
      get: () => void reads.push(name),
    });
  }
  return reads;
}

afterEach(() => {
  for (const [name, descriptor] of saved) {
    if (descriptor) Object.defineProperty(globalThis, name, descriptor);
    else delete (globalThis as Record<string, unknown>)[name];
  }
  saved.clear();
});

it('imports and renders both hooks on the server without touching a browser global', async () => {
  const reads = trapBrowserGlobals();
  const { useSignInFlow, useSessionKeeper } = await import('../../src/react/index.js');
  const { createSessionKeeper, EnchantedLinkClient } = await import('../../src/index.js');
  const client = new EnchantedLinkClient({ projectId: 'P2aAc4T2V93bddihGEx2Ryhc8e5Z' });
  // Created at module level of an app, as documented, with a storage that only a page has.
  const keeper = createSessionKeeper(client, { storage: 'xss-exposed-localStorage' });
  function App() {
    const { snapshot } = useSignInFlow(client);
    const kept = useSessionKeeper(keeper);
    return createElement('p', null, `${snapshot.status} ${kept.snapshot.status}`);
  }
  const html = renderToString(createElement(App));
  expect(html).toBe('<p>idle signed-out</p>');
  expect(reads).toEqual([]);
});
