/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** Your Descope project ID; set by `npm run example:browser` to the emulator's. */
  readonly VITE_DESCOPE_PROJECT_ID?: string;
  /** API base URL; the emulator's URL, or unset for Descope itself. */
  readonly VITE_DESCOPE_BASE_URL?: string;
  /** The page the emailed links open; default: this app's /verify.html. */
  readonly VITE_DESCOPE_REDIRECT_URL?: string;
  /**
   * `true` lets a click on another device verify a link (`acceptClickingScannerRisk`): a mail scanner that
   * clicks can then sign in whoever started the sign-in. Off unless set; see README.md.
   */
  readonly VITE_ALLOW_OTHER_DEVICES?: string;
}
