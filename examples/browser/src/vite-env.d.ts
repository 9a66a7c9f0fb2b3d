/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** Your Descope project ID; set by `npm run example:browser` to the emulator's. */
  readonly VITE_DESCOPE_PROJECT_ID?: string;
  /** API base URL; the emulator's URL, or unset for Descope itself. */
  readonly VITE_DESCOPE_BASE_URL?: string;
  /** The page the emailed links open; default: this app's /verify.html. */
  readonly VITE_DESCOPE_REDIRECT_URL?: string;
}
