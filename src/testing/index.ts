/**
 * `enchanted-link/testing`: an in-memory, stateful Descope enchanted-link emulator to test login flows
 * offline, through `fetch`, msw or real HTTP.
 *
 * @module enchanted-link/testing
 */
export { createEmulator } from './emulator.js';
export { PATHS, type EndpointPath } from '../protocol/paths.js';
export { emulatorHandlers } from './msw.js';
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
  EmulatorServer,
  EmulatorUser,
} from './types.js';
