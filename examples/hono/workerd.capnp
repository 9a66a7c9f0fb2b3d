# The Workers entry in workerd, Cloudflare's open-source Workers runtime: bundle `worker.ts` into `dist/worker.js` (README.md), then
# `workerd serve workerd.capnp` (http://127.0.0.1:8787; `--socket-addr http=HOST:PORT` moves it). The
# configuration comes from the environment variables named below, as on Node.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "app", worker = .app),
    # Outgoing requests (Descope, or the emulator on this machine). A deployment would allow "public" only.
    (name = "internet", network = (allow = ["public", "private", "local"])),
  ],
  sockets = [(name = "http", address = "127.0.0.1:8787", http = (), service = "app")],
);

const app :Workerd.Worker = (
  modules = [(name = "worker.js", esModule = embed "dist/worker.js")],
  compatibilityDate = "2026-11-01",
  bindings = [
    (name = "DESCOPE_PROJECT_ID", fromEnvironment = "DESCOPE_PROJECT_ID"),
    (name = "DESCOPE_BASE_URL", fromEnvironment = "DESCOPE_BASE_URL"),
    (name = "AUTH_SECRET", fromEnvironment = "AUTH_SECRET"),
    (name = "PUBLIC_URL", fromEnvironment = "PUBLIC_URL"),
  ],
  globalOutbound = "internet",
);
