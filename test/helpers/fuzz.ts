/**
 * How many runs a property gets: a tenth of `full` in the fast unit layer (`npm test`), `full` in the
 * `fuzz` layer (`npm run test:fuzz`, part of `npm run test:all` and CI), or `FC_RUNS` when set.
 */
export const fuzzRuns = (full: number): number =>
  Number(process.env.FC_RUNS ?? (process.env.FC_FULL ? full : Math.ceil(full / 10)));
