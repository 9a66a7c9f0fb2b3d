// Process safety, checked in a child Node process running the built package (dist/, built by the global
// setup): a poll against a dead server, a poll aborted between polls and a poll aborted mid-request must
// let the process exit by itself, with code 0 (Node's default turns an unhandled rejection into exit code
// 1), no warning on stderr, and no timer or socket left keeping the event loop alive.
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ID, rawServer } from './helpers.js';

const DIST = pathToFileURL(resolve(import.meta.dirname, '../../dist/index.js')).href;

const CHILD = `
import { EnchantedLinkClient } from ${JSON.stringify(DIST)};
const [dead, live, hold] = process.argv.slice(-3);
const client = (baseUrl) => new EnchantedLinkClient({ projectId: ${JSON.stringify(PROJECT_ID)}, baseUrl, timeoutMs: 2_000 });
const outcome = (promise) => promise.then((value) => ({ resolved: value }), (error) => ({ name: error?.name, message: error?.message }));
const abortAfter = (ms) => {
  const controller = new AbortController();
  setTimeout(() => controller.abort(new Error('the user left')), ms);
  return controller.signal;
};

// Aborted in the wait after the second pending answer, however slow the machine.
const afterSecondPoll = () => {
  const controller = new AbortController();
  return { signal: controller.signal, onPoll: ({ attempt }) => attempt === 2 && controller.abort(new Error('the user left')) };
};

const deadServer = await outcome(client(dead).pollSession('ref-1', { intervalMs: 10, maxFailures: 3 }));
const abortedBetweenPolls = await outcome(client(live).pollSession('ref-1', { intervalMs: 50, ...afterSecondPoll() }));
const abortedMidRequest = await outcome(client(hold).pollSession('ref-1', { signal: abortAfter(100) }));
// An aborted socket closes a few ms after the abort; a dangling timer or socket would stay for the whole second.
const settledBy = Date.now() + 1_000;
let resources;
do {
  await new Promise((resolve) => setTimeout(resolve, 10));
  resources = process.getActiveResourcesInfo().filter((kind) => !/^(PipeWrap|TTYWrap|FSReqCallback)$/.test(kind));
} while (resources.length > 0 && Date.now() < settledBy);
console.log(JSON.stringify({ deadServer, abortedBetweenPolls, abortedMidRequest, resources }));
`;

let live: Awaited<ReturnType<typeof rawServer>>;
let hold: Awaited<ReturnType<typeof rawServer>>;
let dead: string;
let livePolls = 0;

beforeAll(async () => {
  live = await rawServer((_req, res) => {
    livePolls++;
    res.writeHead(401, { 'content-type': 'application/json' }).end('{"errorCode":"E062503","errorDescription":"pending"}');
  });
  hold = await rawServer(() => undefined); // never answers
  // A port that was just listening and is now closed: connections are refused.
  const closed = await rawServer(() => undefined);
  dead = closed.url;
  await closed.close();
});
afterAll(async () => {
  await live.close();
  await hold.close();
});

function runChild(): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  const started = Date.now();
  return new Promise((done) => {
    const child = execFile(process.execPath, ['--input-type=module', '-e', CHILD, dead, live.url, hold.url], { timeout: 15_000, encoding: 'utf8' }, (error, stdout, stderr) =>
      done({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr, ms: Date.now() - started }),
    );
    child.stdin?.end();
  });
}

describe('a child process using the built package', () => {
  it('exits by itself with code 0, no warning, and nothing left keeping it alive', async () => {
    const { code, stdout, stderr, ms } = await runChild();
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as Record<string, unknown> & { resources: string[] };
    expect(report).toMatchObject({
      deadServer: { name: 'NetworkError', message: expect.stringMatching(/^Network error on \/v1\/auth\/enchantedlink\/pending-session \(127\.0\.0\.1:\d+\): ECONNREFUSED$/) },
      abortedBetweenPolls: { name: 'Error', message: 'the user left' },
      abortedMidRequest: { name: 'Error', message: 'the user left' },
    });
    // No timer (a poll deadline of 5 minutes would be one) and no socket; the stdout pipe is filtered out.
    expect(report.resources).toEqual([]);
    // The abort came in the wait after the second poll: no third one.
    expect(livePolls).toBe(2);
    // The default poll timeout is 5 minutes and the held request never answers: only a clean abort explains this.
    expect(ms).toBeLessThan(10_000);
  }, 20_000);
});
