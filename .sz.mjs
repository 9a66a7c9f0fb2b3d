import { build } from 'esbuild';
const ENTRY = process.cwd() + '/src/index.ts';
const r = await build({ stdin: { contents: `import { EnchantedLinkClient, verifyFromUrl } from ${JSON.stringify(ENTRY)};
const client = new EnchantedLinkClient({ projectId: 'P2aAc4T2V93bddihGEx2Ryhc8e5Z', redirectUrl: location.origin + '/verify' });
export async function signIn(email, signal) { const { linkId, pendingRef } = await client.signInOrUp(email, { signal }); console.log(linkId); return client.pollSession(pendingRef, { signal }); }
export async function verify() { await verifyFromUrl(client); }`, resolveDir: process.cwd(), loader: 'js' }, bundle: true, minify: true, format: 'esm', platform: 'browser', target: 'es2022', metafile: true, write: false, outfile: 'b.js', logLevel: 'silent', define: { __SDK_VERSION__: '"0.1.0"' } });
const [o] = Object.values(r.metafile.outputs);
for (const [p, { bytesInOutput }] of Object.entries(o.inputs).sort((a, b) => b[1].bytesInOutput - a[1].bytesInOutput).filter(([p]) => p.startsWith("src"))) console.log(bytesInOutput, p);
