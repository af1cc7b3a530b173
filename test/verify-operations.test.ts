import { describe, expect, test } from 'vitest';
import { BY_NAME_ONLY, LIVE_OPERATIONS, operationUnavailable, parseOperations } from '../lib/verify/live/operations';
import { OPERATIONS } from '../lib/operations/catalog';
import { formatReport } from '../lib/verify/report';
import { siteFacts } from '../lib/verify/report-json';
import { siteTree } from './support/trees';
import { verifyReport } from './support/verify-report';
import { cluster, minimalSite } from './unit/support/site';

describe('npm run verify -- --operations: which day-2 operations run live, and how they are reported', () => {
  test('--operations alone asks for every live operation the site allows; a list keeps its order; a wrong name names the known ones', () => {
    expect(parseOperations(true)).toBe('all');
    expect(parseOperations(undefined)).toEqual([]);
    expect(parseOperations('scale, failover-pod')).toEqual(['scale', 'failover-pod']);
    expect(() => parseOperations('failover,scale')).toThrow(
      "--operations: unknown operation 'failover': the live operations are failover-postgres, failover-pod, minor-upgrade, point-in-time-recovery, scale",
    );
  });

  test('failover runs on any site with a replicated cluster; the edits of docs/operations.md only on the site they are shown on', () => {
    const replicated = siteTree(minimalSite());
    expect(operationUnavailable(replicated, 'failover-pod')).toBeUndefined();
    expect(operationUnavailable(replicated, 'scale')).toBe(
      'docs/operations.md shows its edit on the site poc: run it there (npm run verify -- --site poc --operations)',
    );
    const single = siteTree(minimalSite({ postgres: { clusters: [cluster('acid-one', { numberOfInstances: 1 })] } }));
    expect(operationUnavailable(single, 'failover-postgres')).toBe('the site has no postgresql cluster with replicas');
  });

  const report = verifyReport({
    operations: [
      {
        name: 'failover-pod',
        ok: true,
        seconds: 61,
        evidence: { oldLeader: 'a-0', newLeader: 'a-1', streaming: ['a-0'] },
      },
      { name: 'scale', ok: false, seconds: 62, evidence: {}, failure: 'step "x": expected y\n  happened: z' },
    ],
    seconds: 200,
    ok: false,
  });

  test("the text report gives each operation's evidence or its failed step, and counts a failed one", () => {
    const text = formatReport(report);
    expect(text).toContain('  ok   failover-pod (61 s): oldLeader a-0, newLeader a-1, streaming a-0');
    expect(text).toContain('  FAIL scale (62 s): step "x": expected y\n  happened: z');
    expect(text).toMatch(/1 failed checks, 200\.0 s$/);
  });

  test('the JSON report lists the operations with their evidence, null when none was asked', () => {
    expect(siteFacts(report).operations).toEqual(report.operations);
    expect(siteFacts({ ...report, operations: undefined }).operations).toBeNull();
  });
});

test('every operation docs/operations.md says is proven live is one verify performs, on the site it is shown on', () => {
  const proven = OPERATIONS.flatMap((op) => (op.provenLive ?? []).map((name) => ({ op, name })));
  expect(proven.map((p) => p.name).sort()).toEqual(LIVE_OPERATIONS.filter((op) => !BY_NAME_ONLY[op]).sort());
  for (const { op, name } of proven) expect(parseOperations(name), `${op.id}: ${name}`).toEqual([name]);
});
