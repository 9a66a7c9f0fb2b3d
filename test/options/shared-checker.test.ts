// One options checker for every entry: the client, the flow, the keeper, the verify helper, the request
// budget, the session validator and the emulator refuse the same mistakes the same way, before anything
// happens, with an InvalidArgumentError naming the argument.
import { describe, expect, it } from 'vitest';
import { createSessionKeeper, createSignInFlow, EnchantedLinkClient, InvalidArgumentError, RequestBudget, verifyFromUrl } from '../../src/index.js';
import { SessionValidator } from '../../src/server/index.js';
import { createEmulator } from '../../src/testing/index.js';

const PROJECT_ID = 'P2aAc4T2V93bddihGEx2Ryhc8e5Z';
const client = new EnchantedLinkClient({ projectId: PROJECT_ID });

/** Each entry, called with `options` (and whatever else it needs, valid). */
const ENTRIES: Array<[string, (options: unknown) => unknown]> = [
  ['new EnchantedLinkClient', (options) => new EnchantedLinkClient({ projectId: PROJECT_ID, ...(options as object) })],
  ['client.pollSession', (options) => client.pollSession('ref', options as never)],
  ['createSignInFlow', (options) => createSignInFlow(client, options as never)],
  ['createSessionKeeper', (options) => createSessionKeeper(client, options as never)],
  ['verifyFromUrl', (options) => verifyFromUrl(client, { url: 'https://app.example.com/verify?t=abc', acceptMailScannerRisk: true, ...(options as object) })],
  ['new RequestBudget', (options) => new RequestBudget(options as never)],
  ['new SessionValidator', (options) => new SessionValidator({ projectId: PROJECT_ID, ...(options as object) })],
  ['createEmulator', (options) => createEmulator(options as never)],
];

/** What `call` throws or rejects with (synchronously thrown or not). */
async function failure(call: () => unknown): Promise<unknown> {
  try {
    await call();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('one options checker for every entry', () => {
  it.each(ENTRIES.filter(([name]) => !['new EnchantedLinkClient', 'verifyFromUrl', 'new SessionValidator'].includes(name)))(
    '%s refuses options that are no object, naming `options`',
    async (_, call) => {
      const error = await failure(() => call('fast'));
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect(error).toMatchObject({ argument: 'options', message: 'Invalid argument `options`: expected an object' });
    },
  );

  it.each([
    ['new EnchantedLinkClient', { fetch: 'fetch' }, 'fetch'],
    ['client.pollSession', { onPoll: 'log' }, 'onPoll'],
    ['createSignInFlow', { onSignedIn: 'keeper.set' }, 'onSignedIn'],
    ['createSessionKeeper', { key: 42 }, 'key'],
    ['verifyFromUrl', { onReady: 'go' }, 'onReady'],
    ['new RequestBudget', { windowMs: -1 }, 'windowMs'],
    ['new SessionValidator', { fetch: 'fetch' }, 'fetch'],
    ['createEmulator', { now: 'now' }, 'now'],
  ])('%s refuses a malformed option with InvalidArgumentError naming it', async (name, options, argument) => {
    const call = ENTRIES.find(([entry]) => entry === name)![1];
    const error = await failure(() => call(options));
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error).toMatchObject({ argument });
  });
});
