import type { KubeObject } from '../lib/core/objects';
import { describe, expect, test } from 'vitest';
import { poc } from '../sites/poc';
import type { Site } from '../lib/site/model';
import { standbyHubIssues, standbyIssues, validateStandby } from '../lib/site/standby';
import { withStandby } from '../lib/components/postgres-operator/wal-g-settings';
import type { ChangeContext } from '../lib/core/impact';
import { impactsOf } from '../lib/diff/impacts';
import { withSite } from './support/render';
import { standbyRuns, unprovenStandbys } from '../lib/verify/live/standby';
import { liveUnsupported } from '../lib/verify/live/data-plane';
import { operatorPromotesByManifest } from '../lib/components/postgres-operator/standby-promotion';

/** A primary site (poc's shape, MinIO backups) and a DR site whose 'acid-dr' is the standby of its acid-test-cluster. */
const primary = withSite(poc, (d) => {
  d.name = 'prim';
  d.postgres.clusters = d.postgres.clusters.filter((c: any) => !c.standby);
});
const STANDBY = {
  site: 'prim',
  cluster: 'acid-test-cluster',
  uid: '6f1c2a53-8d0e-4b7a-9c61-2f4e5d3b8a90',
  s3Endpoint: 'http://10.10.10.51:9000',
  credentialsSecret: 'prim-backups-reader',
};
const dr = withSite(primary, (d) => {
  d.name = 'dr';
  d.postgres.clusters = [{ ...d.postgres.clusters[0], name: 'acid-dr', numberOfInstances: 1, standby: STANDBY }];
});
const standbyOf = (site: Site) => site.postgres.clusters[0];
const messages = (sites: Site[]) => standbyIssues(sites).map((i) => `${i.path}: ${i.message}`);

describe('a cluster of one site as the standby of a cluster of another', () => {
  test("renders the primary's WAL path and the STANDBY_ environment, the keys by reference to a Secret", () => {
    const backup = withStandby({ env: [] }, standbyOf(dr), { site: primary, cluster: primary.postgres.clusters[0] });
    expect(backup.standbyS3WalPath).toBe(
      's3://postgres-backups/spilo/acid-test-cluster/6f1c2a53-8d0e-4b7a-9c61-2f4e5d3b8a90/wal/15',
    );
    expect(backup.env).toContainEqual({ name: 'STANDBY_AWS_ENDPOINT', value: 'http://10.10.10.51:9000' });
    expect(backup.env).toContainEqual({
      name: 'STANDBY_AWS_SECRET_ACCESS_KEY',
      valueFrom: { secretKeyRef: { name: 'prim-backups-reader', key: 'AWS_SECRET_ACCESS_KEY' } },
    });
    expect(backup.env.every((e) => e.name.startsWith('STANDBY_'))).toBe(true);
    expect(backup.env.filter((e) => e.value !== undefined && /SECRET|KEY_ID/.test(e.name))).toEqual([]);
  });

  test("the primary's backups encrypted: the standby reads its key from the same Secret as the bucket's keys", () => {
    const encrypted = withSite(primary, (d) => (d.postgres.backups!.encryptionKeySecret = 'prim-backup-key'));
    const env = withStandby({ env: [] }, standbyOf(dr), {
      site: encrypted,
      cluster: encrypted.postgres.clusters[0],
    }).env;
    expect(env.filter((e) => e.name.includes('LIBSODIUM'))).toEqual([
      {
        name: 'STANDBY_WALG_LIBSODIUM_KEY',
        valueFrom: { secretKeyRef: { name: 'prim-backups-reader', key: 'WALG_LIBSODIUM_KEY' } },
      },
      { name: 'STANDBY_WALG_LIBSODIUM_KEY_TRANSFORM', value: 'base64' },
    ]);
    const clear = withStandby({ env: [] }, standbyOf(dr), { site: primary, cluster: primary.postgres.clusters[0] });
    expect(clear.env.some((e) => e.name.includes('LIBSODIUM'))).toBe(false);
  });

  test('fails to render when the primary is missing', () => {
    expect(() => withStandby({ env: [] }, standbyOf(dr), undefined)).toThrow(
      /no cluster 'acid-test-cluster' in site 'prim'/,
    );
  });

  test('the pair agrees: no issue', () => {
    expect(messages([primary, dr])).toEqual([]);
  });

  test('fails on a standby whose primary site or cluster is missing', () => {
    expect(messages([dr])).toEqual([expect.stringMatching(/^dr: postgres.clusters\[0\].standby.site: no site 'prim'/)]);
    const other = withSite(dr, (d) => (d.postgres.clusters[0].standby!.cluster = 'acid-gone'));
    expect(messages([primary, other])).toEqual([
      expect.stringMatching(/^dr: postgres.clusters\[0\].standby.cluster: site 'prim' has no cluster 'acid-gone'/),
    ]);
  });

  test("fails on another major, a primary without WAL archive, an endpoint the primary's site does not declare", () => {
    const bare = withSite(primary, (d) => delete d.postgres.backups);
    const off = withSite(dr, (d) => {
      d.postgres.clusters[0].version = '14';
      d.postgres.clusters[0].standby!.s3Endpoint = 'http://192.0.2.7:9000';
    });
    expect(messages([bare, off])).toEqual([
      expect.stringMatching(/^dr: postgres.clusters\[0\].standby.site: site 'prim' archives no WAL/),
      expect.stringMatching(
        /^dr: postgres.clusters\[0\].version: PostgreSQL 14, the primary 'acid-test-cluster' of site 'prim' runs 15/,
      ),
      expect.stringMatching(
        /^dr: postgres.clusters\[0\].standby.s3Endpoint: 192.0.2.7 is no address site 'prim' declares/,
      ),
    ]);
    const pooled = withSite(
      primary,
      (d) => (d.loadBalancers = { network: '192.0.2.0/24', addresses: ['192.0.2.1-192.0.2.9'] }),
    );
    expect(
      messages([pooled, withSite(dr, (d) => (d.postgres.clusters[0].standby!.s3Endpoint = 'http://192.0.2.7'))]),
    ).toEqual([]);
  });

  test('fails on its own fields: a bad uid, a standby of its own site, a clone too, an endpoint without scheme', () => {
    const bad = withSite(dr, (d) => {
      Object.assign(d.postgres.clusters[0].standby!, { site: 'dr', uid: 'nope', s3Endpoint: '10.10.10.51:9000' });
      d.postgres.clusters[0].clone = { cluster: 'x', uid: STANDBY.uid, timestamp: '2026-11-24T18:00:00+01:00' };
    });
    expect(validateStandby(bad, standbyOf(bad), 'postgres.clusters[0]').map((i) => i.path)).toEqual([
      'postgres.clusters[0].standby.site',
      'postgres.clusters[0].standby',
      'postgres.clusters[0].standby.uid',
      'postgres.clusters[0].standby.s3Endpoint',
    ]);
  });
});

describe('npm run diff explains a standby', () => {
  const pg = (standby?: object): KubeObject => ({
    apiVersion: 'acid.zalan.do/v1',
    kind: 'postgresql',
    metadata: { name: 'acid-dr', namespace: 'postgres' },
    spec: { numberOfInstances: 1, ...(standby ? { standby } : {}) },
  });
  const context = (action: ChangeContext['action'], before?: KubeObject, after?: KubeObject): ChangeContext => ({
    action,
    before,
    after,
    fields: [],
    apps: {},
    site: { before: [], after: [] },
  });
  const wal = { s3_wal_path: 's3://b/spilo/acid-test-cluster/u/wal/15' };

  test('removing the standby section is a promotion', () => {
    expect(impactsOf(context('change', pg(wal), pg()))).toEqual([
      {
        level: 'disruptive',
        message: expect.stringMatching(/^PROMOTION of the standby acid-dr: it stops replaying s3:\/\/b\//),
      },
    ]);
  });

  test('a new standby says where it replays from; one added to a running cluster says it follows nothing', () => {
    expect(impactsOf(context('add', undefined, pg(wal))).map((i) => i.message)).toEqual([
      expect.stringMatching(/^standby cluster: acid-dr bootstraps from the WAL archive s3:\/\/b\//),
    ]);
    expect(impactsOf(context('change', pg(), pg(wal))).map((i) => i.message)).toEqual([
      expect.stringMatching(/gets a standby section: .* it does not follow/),
    ]);
  });
});

describe("a standby's site under its primary's site as hub", () => {
  test('is warned: losing the primary site loses the ArgoCD that would sync the promotion', () => {
    const hub = withSite(primary, (d) => (d.fleet = { rollout: [{ stage: 'production', sites: ['dr'] }] }));
    expect(standbyHubIssues([hub, dr])).toEqual([
      {
        path: 'dr: postgres.clusters[0].standby.site',
        message: expect.stringMatching(/managed by the hub 'prim', the site of its primary/),
      },
    ]);
    expect(standbyHubIssues([primary, dr])).toEqual([]);
  });
});

describe('npm run verify runs a standby site beside its primary site (lib/verify/live/standby.ts)', () => {
  const other = withSite(primary, (d) => (d.name = 'other'));
  test('live: the standby site runs inside its primary site, which is run even when not asked for', () => {
    const { runs, inside } = standbyRuns([dr, other], [primary, dr, other], true);
    // where PostgreSQL 15 is missing, the live data plane cannot run them: the standby site then runs on its own
    if (liveUnsupported(dr)) expect(runs).toEqual([dr, other]);
    else {
      expect(runs.map((s) => s.name)).toEqual(['prim', 'other']);
      expect([...inside].map(([p, s]) => [p, s.map((x) => x.name)])).toEqual([['prim', ['dr']]]);
    }
  });
  test('without the live data plane each site runs on its own, its standbys not established, and why', () => {
    expect(standbyRuns([dr, primary], [primary, dr], false)).toEqual({ runs: [dr, primary], inside: new Map() });
    expect(unprovenStandbys(dr, 'no live data plane')).toEqual([
      {
        cluster: 'postgres/acid-dr',
        primarySite: 'prim',
        replayed: null,
        promoted: null,
        problems: ['no live data plane'],
      },
    ]);
  });
  test('the promotion: the operator does it from v1.11.0; before, Patroni first', () => {
    expect(['v1.9.0', 'v1.10.1', 'v1.11.0', 'v2.0.1'].map(operatorPromotesByManifest)).toEqual([
      false,
      false,
      true,
      true,
    ]);
  });
});
