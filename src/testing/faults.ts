import { errorBody } from './errors.js';
import { errorResponse, jsonResponse, textResponse } from './responses.js';
import type { EmulatorFault, EmulatorFaultOptions } from './types.js';

interface QueuedFault {
  readonly fault: EmulatorFault;
  readonly path: string | undefined;
  remaining: number;
}

/** Injected faults, oldest first; each request takes the oldest that matches its path. */
export class FaultQueue {
  #queue: QueuedFault[] = [];

  /** Queues `fault`; throws RangeError/TypeError now, not at request time, for a fault that cannot be answered. */
  add(fault: EmulatorFault, { times = 1, path }: EmulatorFaultOptions = {}): void {
    if (!Number.isInteger(times) || times < 1) throw new RangeError(`times must be a positive integer, got ${times}`);
    if (fault.type === 'latency' && !(fault.ms >= 0 && Number.isFinite(fault.ms))) {
      throw new RangeError(`latency must be a finite number of ms >= 0, got ${fault.ms}`);
    }
    if (fault.type === 'status' || fault.type === 'malformed-body') {
      const status = fault.status ?? 200;
      if (!Number.isInteger(status) || status < 200 || status > 599) {
        throw new RangeError(`status must be an integer in 200–599, got ${status}`);
      }
    }
    if (fault.type === 'status') new Headers(fault.headers); // throws TypeError for an invalid header
    this.#queue.push({ fault: { ...fault }, path, remaining: times });
  }

  /** The fault for the next request to `path`, if any; counts it as used. */
  take(path: string): EmulatorFault | undefined {
    const queued = this.#queue.find((entry) => entry.path === undefined || entry.path === path);
    if (!queued) return undefined;
    queued.remaining -= 1;
    if (queued.remaining === 0) this.#queue = this.#queue.filter((entry) => entry !== queued);
    return queued.fault;
  }

  clear(): void {
    this.#queue = [];
  }
}

/** Starts with `{"` like a real body, so a client cannot tell it apart by its first byte. */
const MALFORMED_BODY = '{"linkId": "42", "pendingRef": <truncated';

/** The answer for every fault but latency; `Response.error()` stands for a dropped connection. */
export function faultResponse(fault: Exclude<EmulatorFault, { type: 'latency' }>): Response {
  switch (fault.type) {
    case 'status': {
      const body = fault.body === undefined ? errorBody('injectedFault', `HTTP ${fault.status}`) : fault.body;
      return jsonResponse(fault.status, body, fault.headers);
    }
    case 'rate-limit': {
      const headers: Record<string, string> = fault.retryAfter === undefined ? {} : { 'retry-after': String(fault.retryAfter) };
      return errorResponse('rateLimited', undefined, headers);
    }
    case 'malformed-body':
      return textResponse(fault.status ?? 200, MALFORMED_BODY, 'application/json');
    case 'drop-connection':
      return Response.error();
  }
}
