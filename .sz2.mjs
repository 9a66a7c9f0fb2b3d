import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
const r = await build({ stdin: { contents: `import { EnchantedLinkClient, verifyFromUrl } from ${JSON.stringify(process.cwd() + '/src/index.ts')};
const client = new EnchantedLinkClient({ projectId: 'P2aAc4T2V93bddihGEx2Ryhc8e5Z', redirectUrl: location.origin + '/verify' });
export async function signIn(email, signal) { const { linkId, pendingRef } = await client.signInOrUp(email, { signal }); console.log(linkId); return client.pollSession(pendingRef, { signal }); }
export async function verify() { await verifyFromUrl(client); }`, resolveDir: process.cwd(), loader: 'js' }, bundle: true, minify: true, format: 'esm', platform: 'browser', target: 'es2022', write: false, outfile: 'b.js', logLevel: 'silent', external: ['ky', 'zod/mini'], define: { __SDK_VERSION__: '"0.1.0"' } });
const code = r.outputFiles[0].contents;
console.log(code.byteLength, gzipSync(code, { level: 9 }).byteLength);
if (process.argv[2]) process.stdout.write(r.outputFiles[0].text);
