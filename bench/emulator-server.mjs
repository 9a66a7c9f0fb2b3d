// The emulator over real HTTP in its own process, so its memory and CPU stay out of the client's
// figures. Prints its URL as one JSON line; stops when its stdin closes (the parent went away).
import { importTesting } from './lib.mjs';

const { createEmulator } = await importTesting();
const emulator = createEmulator({ linkTtlMs: 3_600_000, rateLimit: false }) // load: many users behind one IP;
const server = await emulator.listen();
process.stdout.write(`${JSON.stringify({ url: server.url, projectId: emulator.projectId })}\n`);
process.stdin.resume();
process.stdin.on('end', async () => {
  const polls = emulator.requests.filter((r) => r.path === '/v1/auth/enchantedlink/pending-session').length;
  process.stderr.write(`[bench:emulator] served ${polls} polls\n`);
  await server.close();
  process.exit(0);
});
