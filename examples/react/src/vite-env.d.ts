/// <reference types="vite/client" />

interface ImportMetaEnv {
  readonly VITE_DESCOPE_PROJECT_ID?: string;
  readonly VITE_DESCOPE_BASE_URL?: string;
  /** The page the emailed links open; default: this app's /verify.html. */
  readonly VITE_DESCOPE_REDIRECT_URL?: string;
  /** Resend cooldown in ms (the tests shorten it); the SDK's default is 30 s. */
  readonly VITE_RESEND_COOLDOWN_MS?: string;
}
