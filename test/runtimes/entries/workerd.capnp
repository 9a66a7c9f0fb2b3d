# One worker whose fetch may reach loopback addresses (the emulator server); `workerd test` runs it.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "smoke", worker = .smokeWorker),
    (name = "loopback", network = (allow = ["public", "private", "local"])),
  ],
);

const smokeWorker :Workerd.Worker = (
  modules = [(name = "worker", esModule = embed "worker.js")],
  compatibilityDate = "2026-11-01",
  bindings = [(name = "SMOKE", text = embed "smoke.json")],
  globalOutbound = "loopback",
);
