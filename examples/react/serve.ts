// `npm run example:react`: the React example on Vite's dev server, talking to a local emulator (no account,
// no mailbox: the links are printed here and listed at the emulator's URL). With VITE_DESCOPE_PROJECT_ID
// set, no emulator starts and the app talks to that Descope project.
import { fileURLToPath } from 'node:url';
import { createEmulator } from 'enchanted-link/testing';
import { createServer } from 'vite';

const closers: Array<() => Promise<void>> = [];

if (!process.env.VITE_DESCOPE_PROJECT_ID) {
  const emulator = createEmulator({
    onEmail: ({ to, linkId, links }) => {
      console.log(`\nEmail to ${to}: open link ${linkId}`);
      for (const { number, url } of links) console.log(`  ${number}  ${url}`);
    },
  });
  const server = await emulator.listen();
  closers.push(server.close);
  process.env.VITE_DESCOPE_PROJECT_ID = emulator.projectId;
  process.env.VITE_DESCOPE_BASE_URL = server.url;
  console.log(`Descope emulator: ${server.url} (outbox at ${server.url}/)`);
}

const vite = await createServer({ configFile: fileURLToPath(new URL('vite.config.ts', import.meta.url)) });
closers.push(() => vite.close());
await vite.listen();
vite.printUrls();

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void Promise.all(closers.map((close) => close())).then(() => process.exit(0)));
}
