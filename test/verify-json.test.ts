import { describe, expect, test } from 'vitest';
import { NO_DATA_PLANE, siteFacts } from '../lib/verify/report-json';
import type { VerifyReport } from '../lib/verify/run';

const report = (clusters: VerifyReport['clusters'], notRun: string[] = []): VerifyReport => ({
  site: 's',
  kubernetes: '1.26.2',
  nodes: 3,
  objects: [],
  notVerified: ['Application x: not rendered'],
  notRun,
  clusters,
  operatorErrors: [],
  operatorCrashes: [],
  operatorWarnings: [],
  pods: [],
  short: [],
  settled: true,
  assertions: [],
  seconds: 12.345,
  ok: notRun.length === 0,
});

describe('npm run verify -- --json: the facts per site and cluster (docs/verify.md)', () => {
  test("each cluster's live facts are null and say why, while no data plane runs; the operator's missing objects are listed", () => {
    const facts = siteFacts(report([{ cluster: 'postgres/acid-a', missing: ['Service postgres/acid-a-repl'] }]));
    expect(facts).toEqual({
      site: 's',
      kubernetes: '1.26.2',
      ok: true,
      seconds: 12.3,
      clusters: [
        {
          cluster: 'postgres/acid-a',
          missingObjects: ['Service postgres/acid-a-repl'],
          leader: null,
          streamingReplicas: null,
          clientAccess: null,
          backups: null,
          missingMetrics: null,
        },
      ],
      notRun: [],
      notVerified: ['Application x: not rendered', NO_DATA_PLANE],
    });
  });
  test('a check that did not run is in notRun, and the site is not ok', () => {
    const facts = siteFacts(report([], ['postgres-operator-v2.0.1 is not built here']));
    expect(facts.notRun).toEqual(['postgres-operator-v2.0.1 is not built here']);
    expect(facts.ok).toBe(false);
    expect(facts.notVerified).toEqual(['Application x: not rendered']);
  });
});
