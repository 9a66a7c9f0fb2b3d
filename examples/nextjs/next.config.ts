import type { NextConfig } from 'next';

const config: NextConfig = {
  // This folder is the app's root, although the repository around it has a lockfile of its own.
  turbopack: { root: import.meta.dirname },
  outputFileTracingRoot: import.meta.dirname,
  // `next dev` logs each request's URL, and an emailed link's carries its token (`t`): not those.
  logging: { incomingRequests: { ignore: [/^\/auth\/confirm/] } },
};

export default config;
