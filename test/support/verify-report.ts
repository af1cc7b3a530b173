import type { VerifyReport } from '../../lib/verify/run';

/** A verify report of site `s` with nothing in it (no object, pod or check), to fill per test. */
export const verifyReport = (extra: Partial<VerifyReport> = {}): VerifyReport => ({
  site: 's',
  kubernetes: '1.26.2',
  nodes: 3,
  objects: [],
  notVerified: [],
  notRun: [],
  clusters: [],
  operatorErrors: [],
  operatorCrashes: [],
  operatorWarnings: [],
  pods: [],
  short: [],
  settled: true,
  assertions: [],
  seconds: 12.345,
  ok: true,
  ...extra,
});
