/**
 * `enchanted-link/testing`: an in-memory, stateful Descope enchanted-link emulator to test login flows
 * offline, through its own `fetch` or real HTTP. Needs nothing else installed; the msw handlers are in
 * `enchanted-link/testing/msw`.
 *
 * @module enchanted-link/testing
 */
export { createEmulator } from './emulator.js';
export { PATHS, type EndpointPath } from '../protocol/paths.js';
export { EMULATOR_ERRORS, type EmulatorErrorInfo, type EmulatorErrorName } from './errors.js';
export type {
  Emulator,
  EmulatorClickResult,
  EmulatorEmail,
  EmulatorFault,
  StatusFault,
  LatencyFault,
  RateLimitFault,
  MalformedBodyFault,
  DropConnectionFault,
  EmulatorFaultOptions,
  EmulatorLink,
  EmulatorListenOptions,
  EmulatorOptions,
  EmulatorRateLimit,
  EmulatorRequest,
  EmulatorScanOptions,
  EmulatorScanResult,
  EmulatorServer,
  EmulatorUser,
} from './types.js';
