// A simulated clock for benchmarks that would take hours in real time (1,000 sign-ins at 100 requests a
// minute). It replaces the global setTimeout/setInterval/clear*/Date.now with a discrete-event scheduler:
// `run()` jumps from one due timer to the next, runs every timer due at that instant in one synchronous
// batch (as the timers phase of a real event loop does), then yields to the real event loop so that the
// promise chains and in-process fetches they started settle before the next instant. `performance.now()`
// stays real: `batches` holds how long (real ms) each simulated instant's work kept the event loop busy,
// the delay any other callback of a real server would have waited then.

/** Installs the clock; returns it. `uninstall()` puts the real timers back. */
export function installSimulatedClock(start = Date.parse('2026-12-01T09:00:00Z')) {
  const real = {
    setTimeout: globalThis.setTimeout,
    clearTimeout: globalThis.clearTimeout,
    setInterval: globalThis.setInterval,
    clearInterval: globalThis.clearInterval,
    setImmediate: globalThis.setImmediate,
    dateNow: Date.now,
  };
  let now = start;
  let nextId = 1;
  /** Live timers by id; `queue` is kept sorted by (at, id) lazily through a binary heap. */
  const live = new Map();
  const heap = [];
  const less = (a, b) => a.at < b.at || (a.at === b.at && a.id < b.id);
  const push = (timer) => {
    heap.push(timer);
    for (let i = heap.length - 1; i > 0; ) {
      const parent = (i - 1) >> 1;
      if (!less(heap[i], heap[parent])) break;
      [heap[i], heap[parent]] = [heap[parent], heap[i]];
      i = parent;
    }
  };
  const pop = () => {
    const top = heap[0];
    const last = heap.pop();
    if (heap.length > 0) {
      heap[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && less(heap[l], heap[m])) m = l;
        if (r < heap.length && less(heap[r], heap[m])) m = r;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m], heap[i]];
        i = m;
      }
    }
    return top;
  };
  class Handle {
    constructor(id) {
      this.id = id;
    }
    ref() {
      return this;
    }
    unref() {
      return this;
    }
    hasRef() {
      return true;
    }
    refresh() {
      const timer = live.get(this.id);
      if (timer) {
        live.delete(this.id);
        schedule(timer.fn, timer.ms, timer.args, timer.repeat, this.id);
      }
      return this;
    }
    [Symbol.toPrimitive]() {
      return this.id;
    }
  }
  function schedule(fn, ms, args, repeat, id = nextId++) {
    const delay = Math.max(1, Number(ms) || 0);
    const timer = { id, at: now + delay, fn, ms: delay, args, repeat };
    live.set(id, timer);
    push(timer);
    return new Handle(id);
  }
  const clear = (handle) => {
    if (handle !== undefined && handle !== null) live.delete(typeof handle === 'object' ? handle.id : Number(handle));
  };
  globalThis.setTimeout = (fn, ms, ...args) => schedule(fn, ms, args, false);
  globalThis.setInterval = (fn, ms, ...args) => schedule(fn, ms, args, true);
  globalThis.clearTimeout = clear;
  globalThis.clearInterval = clear;
  Date.now = () => now;

  const tick = () => new Promise((resolve) => real.setImmediate(resolve));
  const settle = async () => {
    await tick();
    await tick();
  };
  /** Real milliseconds each simulated instant kept the event loop busy: its timers and the microtasks they started. */
  const batches = [];
  /** The same in CPU time of this process: unlike real time, not inflated when other processes take the cores. */
  const cpuBatches = [];

  return {
    now: () => now,
    batches,
    cpuBatches,
    get pending() {
      return live.size;
    },
    /**
     * Runs timers until `done()` is true, nothing is scheduled, or simulated `limitMs` passed; never moves
     * time on while `busy()` is true. Returns the simulated milliseconds elapsed.
     */
    async run(done, limitMs = Number.POSITIVE_INFINITY, busy = () => false) {
      const from = now;
      await settle();
      while (!done() && now - from < limitMs) {
        // Time stands still while `busy()`: e.g. a request whose answer takes real time (signing a JWT).
        while (busy()) await tick();
        while (heap.length > 0 && !live.has(heap[0].id)) pop();
        if (heap.length === 0) {
          await settle();
          if (heap.length === 0) break;
          continue;
        }
        now = Math.max(now, heap[0].at);
        const batchStart = performance.now();
        const cpuStart = process.cpuUsage();
        const due = [];
        while (heap.length > 0 && heap[0].at <= now) {
          const timer = pop();
          if (live.get(timer.id) === timer) due.push(timer);
        }
        for (const timer of due) {
          if (live.get(timer.id) !== timer) continue; // cleared by an earlier timer of this batch
          if (timer.repeat) {
            timer.at = now + timer.ms;
            push(timer);
          } else live.delete(timer.id);
          timer.fn(...timer.args);
        }
        await tick();
        batches.push(performance.now() - batchStart);
        const cpu = process.cpuUsage(cpuStart);
        cpuBatches.push((cpu.user + cpu.system) / 1000);
        await tick();
      }
      return now - from;
    },
    uninstall() {
      Object.assign(globalThis, {
        setTimeout: real.setTimeout,
        clearTimeout: real.clearTimeout,
        setInterval: real.setInterval,
        clearInterval: real.clearInterval,
      });
      Date.now = real.dateNow;
    },
  };
}
