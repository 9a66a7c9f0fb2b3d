// Types of chaos-core.mjs for test/reliability/chaos.soak.test.ts.
export interface SoakResult {
  seed: number;
  calls: number;
  requests: number;
  /** Events the listeners received (clients, flows, keepers). */
  events: number;
  faults: Record<string, number>;
  outcomes: Record<string, number>;
  violations: string[];
  worstOverrunMs: number;
  worstOverrun: string;
  busiestWindow: number;
  budget: { requests: number; windowMs: number };
}
export function runSoak(options: { sdk: unknown; testing: unknown; seed: number; durationMs: number; actors?: number; log?: (line: string) => void }): Promise<SoakResult>;
