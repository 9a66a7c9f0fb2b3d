import type { NextConfig } from 'next';

const config: NextConfig = {
  // This folder is the app's root, although the repository around it has a lockfile of its own.
  turbopack: { root: import.meta.dirname },
  outputFileTracingRoot: import.meta.dirname,
};

export default config;
