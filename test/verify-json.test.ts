import { describe, expect, test } from 'vitest';
import { NO_DATA_PLANE, siteFacts } from '../lib/verify/report-json';
import type { VerifyReport } from '../lib/verify/run';
import { HEALTHY_CLUSTER } from './support/live-facts';
import { verifyReport } from './support/verify-report';

const report = (clusters: VerifyReport['clusters'], notRun: string[] = []): VerifyReport =>
  verifyReport({ notVerified: ['Application x: not rendered'], notRun, clusters, ok: notRun.length === 0 });

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
      operations: null,
      standbys: [],
      monitors: null,
      alertFired: null,
      notRun: [],
      notVerified: ['Application x: not rendered', NO_DATA_PLANE],
    });
  });
  test("a standby site's standbys: cluster, primary site, replayed and promoted (null: not established)", () => {
    const standbys = [
      { cluster: 'postgres/acid-main', primarySite: 'p', replayed: true, promoted: false, problems: ['not writable'] },
      { cluster: 'postgres/acid-b', primarySite: 'q', replayed: null, promoted: null, problems: ['not run beside q'] },
    ];
    expect(siteFacts({ ...report([]), standbys }).standbys).toEqual([
      { cluster: 'postgres/acid-main', primarySite: 'p', replayed: true, promoted: false },
      { cluster: 'postgres/acid-b', primarySite: 'q', replayed: null, promoted: null },
    ]);
  });
  test("a live run's facts fill each cluster's fields: leader, streaming replicas, client access, backups", () => {
    const live: NonNullable<VerifyReport['live']> = {
      clusters: [HEALTHY_CLUSTER],
      findings: [],
    };
    const facts = siteFacts({ ...report([{ cluster: 'postgres/acid-a', missing: [] }]), live });
    expect(facts.clusters[0]).toEqual({
      cluster: 'postgres/acid-a',
      missingObjects: [],
      leader: { pod: 'acid-a-0', ip: '10.244.0.3' },
      streamingReplicas: 1,
      clientAccess: { master: true, replicaRead: true, checked: ['app@app'], poolers: null },
      backups: { count: 1, newest: 'base_000000010000000000000004' },
      missingMetrics: [],
    });
    expect(facts.notVerified).toEqual(['Application x: not rendered']);
  });
  test('a site whose clusters the live data plane cannot run says why once, not that it was turned off', () => {
    const why = 'the live data plane: PostgreSQL 17 is not installed on this host';
    const facts = siteFacts({ ...report([{ cluster: 'postgres/acid-a', missing: [] }]), notVerified: [why] });
    expect(facts.notVerified).toEqual([why]);
    expect(facts.clusters[0].leader).toBeNull();
  });
  test('a check that did not run is in notRun, and the site is not ok', () => {
    const facts = siteFacts(report([], ['postgres-operator-v2.0.1 is not built here']));
    expect(facts.notRun).toEqual(['postgres-operator-v2.0.1 is not built here']);
    expect(facts.ok).toBe(false);
    expect(facts.notVerified).toEqual(['Application x: not rendered']);
  });
  test("a live monitored run lists each monitor's targets and the alert Alertmanager received", () => {
    const monitoring: NonNullable<VerifyReport['monitoring']> = {
      monitors: [
        { kind: 'PodMonitor', namespace: 'postgres', name: 'postgres-postgres', discovered: 2, up: 2, expected: 2 },
      ],
      alertFired: { name: 'PostgresInstanceDown', receivedBy: ['monitoring/alertmanager-main-0'], how: 'stopped' },
      findings: [],
      notVerified: [],
    };
    const facts = siteFacts({ ...report([]), monitoring });
    expect(facts.monitors).toEqual([
      { kind: 'PodMonitor', namespace: 'postgres', name: 'postgres-postgres', discovered: 2, up: 2 },
    ]);
    expect(facts.alertFired).toEqual({ name: 'PostgresInstanceDown', receivedBy: ['monitoring/alertmanager-main-0'] });
  });
});
