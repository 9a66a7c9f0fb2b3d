// The "second tab" of the fast-path bench: a worker thread that opens verify links with verifyFromUrl.
// Node has BroadcastChannel across threads, but the SDK's fast path only runs where a `document` exists
// (a page), so this worker gets a minimal one, as does the polling thread.
import { parentPort, workerData } from 'node:worker_threads';

globalThis.document = Object.assign(new EventTarget(), { visibilityState: 'visible' });
const { EnchantedLinkClient, verifyFromUrl } = await import(`${workerData.dist}/index.js`);
const client = new EnchantedLinkClient({ projectId: workerData.projectId, baseUrl: workerData.baseUrl });

parentPort.on('message', async ({ id, url }) => {
  const started = performance.timeOrigin + performance.now();
  try {
    // The person's click is not part of what is measured (a worker has no button to click): the bench
    // starts where the click would have sent the verify.
    await verifyFromUrl(client, { url, acceptMailScannerRisk: true });
    parentPort.postMessage({ id, started, ok: true });
  } catch (error) {
    parentPort.postMessage({ id, started, ok: false, error: String(error) });
  }
});
parentPort.postMessage({ ready: true });
