import { describe, expect, test } from 'vitest';
import { gateFindings } from '../lib/check/gate';
import { acknowledgementIssues } from '../lib/site/acknowledge';
import { validateCeph } from '../lib/site/ceph';
import { diffTrees } from '../lib/diff/semantic';
import { renderSiteManifests } from '../lib/synth/render';
import type { Site } from '../lib/site/model';
import { lab } from '../sites/lab';
import { poc } from '../sites/poc';
import { withSite } from './support/render';
import { distTree } from './support/trees';

/** The gate's findings for a site changed by `edit`, as `severity where: message`. */
const gate = (site: Site, edit: (s: any) => void, acknowledge?: Site['acknowledge']) => {
  const after = withSite(site, edit);
  return gateFindings(diffTrees(distTree(site), distTree(after)), [{ ...after, acknowledge }], 'main').map(
    (f) => `${f.severity} ${f.where}: ${f.message}`,
  );
};

describe('check --base: everything the diff refuses fails, with its words', () => {
  test('fails on a volume shrink (300Gi -> 100Gi)', () => {
    const before = withSite(poc, (s) => {
      s.postgres.clusters[0].volume.size = '300Gi';
    });
    expect(gate(before, (s) => (s.postgres.clusters[0].volume.size = '100Gi'))).toEqual([
      'error poc/postgres-clusters: postgresql postgres/acid-test-cluster: refused: volume shrink 300Gi → 100Gi is refused by the operator (a PVC cannot shrink): the volumes stay 300Gi; revert',
    ]);
  });
  test('fails on a PostgreSQL downgrade', () => {
    expect(gate(lab, (s) => (s.postgres.clusters[0].version = '16')).filter((f) => f.startsWith('error'))).toEqual([
      expect.stringMatching(/refused: PostgreSQL 17 → 16 is a downgrade/),
    ]);
  });
});

describe('check --base: data or quorum endangered fails unless acknowledged', () => {
  const deleteCluster = (s: any) => {
    s.postgres.clusters = s.postgres.clusters.filter((c: any) => c.name !== 'acid-analytics');
  };
  test('fails on a deleted cluster (and its namespace), giving the entries to add', () => {
    expect(gate(lab, deleteCluster).filter((f) => f.startsWith('error'))).toEqual([
      "error lab/postgres-clusters: Namespace analytics: Namespace analytics holds data and is removed from git: ArgoCD will not prune it (Prune=false,Delete=false) and leaves it running unmanaged; whoever deletes it deletes its data; if it is intended, acknowledge it in sites/lab.ts: acknowledge: [{ change: 'delete Namespace analytics', reason: '<why>' }]",
      "error lab/postgres-clusters: postgresql analytics/acid-analytics: postgresql analytics/acid-analytics holds data and is removed from git: ArgoCD will not prune it (Prune=false,Delete=false) and leaves it running unmanaged; whoever deletes it deletes its data; if it is intended, acknowledge it in sites/lab.ts: acknowledge: [{ change: 'delete postgresql analytics/acid-analytics', reason: '<why>' }]",
    ]);
  });
  test('passes when the site acknowledges it, and says so', () => {
    const findings = gate(lab, deleteCluster, [
      { change: 'delete postgresql analytics/acid-analytics', reason: 'analytics moved to the warehouse' },
      { change: 'delete Namespace analytics', reason: 'its only cluster goes' },
    ]);
    expect(findings.filter((f) => f.startsWith('error'))).toEqual([]);
    expect(findings).toContainEqual(expect.stringMatching(/^note .*acknowledged \(analytics moved to the warehouse\)/));
  });
  test('fails on a lower pool size, and on fewer Ceph monitors', () => {
    expect(gate(lab, (s) => (s.ceph.poolSize = 2)).filter((f) => f.startsWith('error'))).toEqual([
      expect.stringMatching(
        /CephBlockPool rook-ceph\/replicapool: pool replicapool keeps 2 copies instead of 3: .*acknowledge: \[\{ change: 'lower pool replicapool size to 2'/,
      ),
    ]);
    expect(gate(lab, (s) => (s.ceph.monCount = 1)).filter((f) => f.startsWith('error'))).toEqual([
      expect.stringMatching(
        /CephCluster rook-ceph\/rook-ceph: Ceph monitors 3 → 1: no monitor may fail any more .*change: 'lower Ceph monitors to 1'/,
      ),
    ]);
  });
  test('fails on a storage node removed while it holds OSDs', () => {
    const four = withSite(poc, (s) => {
      s.nodes.push({
        ...s.nodes.find((n) => n.name === 'dnumcephworker3')!,
        name: 'dnumcephworker4',
        address: '10.10.10.44',
      });
    });
    expect(
      gate(four, (s) => (s.nodes = s.nodes.filter((n: any) => n.name !== 'dnumcephworker4'))).filter((f) =>
        f.startsWith('error'),
      ),
    ).toEqual([
      expect.stringMatching(
        /^error poc\/rook-ceph-cluster: CephCluster rook-ceph\/rook-ceph: storage node dnumcephworker4 removed from the CephCluster while it holds OSDs \(vdb\).*change: 'remove storage node dnumcephworker4'/,
      ),
    ]);
  });
  test('fails on a changed backup path', () => {
    expect(
      gate(lab, (s) => (s.postgres.backups.bucket = 'pg-backups-2')).filter((f) => f.startsWith('error')),
    ).toContainEqual(
      expect.stringMatching(
        /backup path .* → .*pg-backups-2.*the backup chain in .* ends there.*change: 'change backup path to /,
      ),
    );
  });
  test('warns on an acknowledgement that matches no change', () => {
    expect(gate(lab, () => undefined, [{ change: 'delete postgresql postgres/acid-gone', reason: 'r' }])).toEqual([
      "warning lab: acknowledge[0] ('delete postgresql postgres/acid-gone') matches no change since main: remove it once the change it names is merged",
    ]);
  });
});

describe('synth refuses an acknowledgement that no longer applies', () => {
  const objects = renderSiteManifests(lab).objects.map((r) => r.obj);
  test('fails on a deletion of an object still rendered, and on words check never prints', () => {
    expect(
      acknowledgementIssues(
        [
          { change: 'delete postgresql analytics/acid-analytics', reason: 'r' },
          { change: 'lower Ceph monitors to 1', reason: 'r' },
          { change: 'drop everything', reason: 'r' },
        ],
        objects,
      ).map((i) => `${i.path}: ${i.message}`),
    ).toEqual([
      "acknowledge[0].change: 'delete postgresql analytics/acid-analytics' no longer applies (postgresql analytics/acid-analytics is rendered): remove this entry",
      "acknowledge[1].change: 'lower Ceph monitors to 1' no longer applies (the CephCluster runs 3 monitors): remove this entry",
      "acknowledge[2].change: 'drop everything' is not a change npm run check asks to acknowledge: copy the words of its message (e.g. 'delete postgresql postgres/acid-old')",
    ]);
  });
  test('passes on a change the site makes', () => {
    expect(acknowledgementIssues([{ change: 'delete postgresql postgres/acid-gone', reason: 'r' }], objects)).toEqual(
      [],
    );
  });
});

describe('a derived value below its safe floor is refused at synth', () => {
  test('fails when removing a storage node would drop Ceph to 1 monitor', () => {
    const two = withSite(poc, (s) => {
      s.nodes = s.nodes.filter((n: any) => n.name !== 'dnumcephworker3');
    });
    expect(validateCeph(two).map((i) => `${i.path}: ${i.message}`)).toEqual([
      'ceph.monCount: 2 storage node(s) give 1 Ceph monitor(s), below the safe floor of 3 (with fewer, one failed monitor stops all I/O): add storage nodes up to 3, or set ceph.monCount: 1 to accept it',
    ]);
  });
  test('passes when the site sets the count itself', () => {
    const two = withSite(poc, (s) => {
      s.nodes = s.nodes.filter((n: any) => n.name !== 'dnumcephworker3');
      s.ceph!.monCount = 1;
    });
    expect(validateCeph(two)).toEqual([]);
  });
});
