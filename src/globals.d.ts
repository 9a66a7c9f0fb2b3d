/** The package version, inlined by tsup and vitest `define`. */
declare const __SDK_VERSION__: string;
