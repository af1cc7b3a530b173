import { describe, expect, test } from 'vitest';
import { checkCapacity, siteLoad } from '../lib/check/capacity';
import { checkPlacement } from '../lib/check/placement';
import { checkSchemas } from '../lib/check/schema-check';
import { impactsOf } from '../lib/diff/impacts';
import { diffTrees } from '../lib/diff/semantic';
import { validateSite } from '../lib/components/validate';
import type { KubeObject } from '../lib/core/objects';
import { catalogOf } from '../lib/site/catalog';
import { lab } from '../sites/lab';
import { poc } from '../sites/poc';
import { objectOf, renderedApps, withSite } from './support/render';
import { distTree, siteTree } from './support/trees';

/** The example's catalog (the runbook-2023 train, no overrides). */
const { images: IMAGES } = catalogOf(poc);

/** poc's cluster with a primary pooler (and whatever else `change` sets on the cluster). */
const pooled = (change: (pg: any) => void = () => {}) =>
  withSite(poc, (s) => {
    Object.assign(s.postgres.clusters[0], { enableConnectionPooler: true, connectionPooler: { maxDBConnections: 6 } });
    change(s.postgres.clusters[0]);
  });
const issuesOf = (site: unknown) => validateSite(site).map((i) => `${i.path}: ${i.message}`);

describe('connection pooler in the postgresql CR (operator field names)', () => {
  test('lab acid-orders: both poolers, with the operator defaults written out', () => {
    const pg = objectOf(renderedApps(lab), 'postgres-clusters', 'postgresql', 'acid-orders');
    expect(pg.spec.enableConnectionPooler).toBe(true);
    expect(pg.spec.enableReplicaConnectionPooler).toBe(true);
    expect(pg.spec.connectionPooler).toEqual({
      numberOfInstances: 3,
      mode: 'transaction',
      maxDBConnections: 80,
      resources: { requests: { cpu: '500m', memory: '100Mi' }, limits: { cpu: '1', memory: '100Mi' } },
    });
  });

  test("a replica pooler alone says enableConnectionPooler: false (a connectionPooler section alone would start the primary's)", () => {
    const site = withSite(poc, (s) => {
      s.postgres.clusters[0].enableReplicaConnectionPooler = true;
    });
    const pg = objectOf(renderedApps(site), 'postgres-clusters', 'postgresql', 'acid-test-cluster');
    expect([
      pg.spec.enableConnectionPooler,
      pg.spec.enableReplicaConnectionPooler,
      pg.spec.connectionPooler.numberOfInstances,
    ]).toEqual([false, true, 2]);
  });

  test('no pooler, no pooler fields (the POC renders as before)', () => {
    const pg = objectOf(renderedApps(poc), 'postgres-clusters', 'postgresql', 'acid-test-cluster');
    expect(Object.keys(pg.spec).filter((k) => /pooler/i.test(k))).toEqual([]);
  });

  test("the operator runs the catalog's pgbouncer image (through the mirror on an air-gapped site)", () => {
    expect(
      objectOf(renderedApps(poc), 'postgres-operator', 'ConfigMap', 'postgres-operator').data.connection_pooler_image,
    ).toBe(IMAGES.pgbouncer);
    expect(
      objectOf(renderedApps(lab), 'postgres-operator', 'ConfigMap', 'postgres-operator').data.connection_pooler_image,
    ).toBe(`${lab.mirrors!.registry}/${catalogOf(lab).images.pgbouncer}`);
  });

  test('a pooled cluster validates against the pinned postgresql CRD and the Kubernetes schemas', () => {
    expect(
      checkSchemas(
        siteTree(
          pooled((pg) => {
            pg.enableReplicaConnectionPooler = true;
            pg.connectionPooler.mode = 'session';
          }),
        ),
      ),
    ).toEqual([]);
  });
});

describe('placement and capacity of the pgbouncer pods', () => {
  test('one pod per postgres node per pooler, counted on those nodes with its requests', () => {
    const load = siteLoad(siteTree(lab));
    for (const name of ['lab-pg1', 'lab-pg2', 'lab-pg3']) {
      const items = load.nodes
        .find((n) => n.node.name === name)!
        .items.filter((i) => i.workload.label.startsWith('pgbouncer'));
      expect(items.map((i) => [i.workload.label, i.pods, i.workload.requests])).toEqual([
        ['pgbouncer pods of acid-orders-pooler', 1, { cpu: 0.5, memory: 100 * 2 ** 20 }],
        ['pgbouncer pods of acid-orders-pooler-repl', 1, { cpu: 0.5, memory: 100 * 2 ** 20 }],
      ]);
    }
    expect(
      load.nodes
        .filter((n) => !n.node.roles.includes('postgres'))
        .flatMap((n) => n.items)
        .filter((i) => i.workload.label.startsWith('pgbouncer')),
    ).toEqual([]);
  });

  test('pooler requests that do not fit on the postgres nodes fail the capacity check', () => {
    const tree = siteTree(
      pooled((pg) => {
        pg.connectionPooler.resources = { requests: { cpu: '1', memory: '2Gi' }, limits: { cpu: '1', memory: '2Gi' } };
      }),
    );
    const errors = checkCapacity(tree).filter((f) => f.severity === 'error');
    expect(errors.map((f) => f.where)).toEqual(
      expect.arrayContaining(['poc/node dnumworker1', 'poc/node dnumworker2']),
    );
    expect(errors.find((f) => f.where === 'poc/node dnumworker1')!.message).toMatch(
      /pgbouncer pods of acid-test-cluster-pooler/,
    );
    expect(checkPlacement(tree).filter((f) => f.severity === 'error')).toEqual([]);
  });
});

describe('validation of the pooler', () => {
  test('the examples are valid', () => {
    expect(issuesOf(pooled())).toEqual([]);
  });
  test('more pooler pods than postgres nodes', () => {
    expect(
      issuesOf(
        pooled((pg) => {
          pg.connectionPooler.numberOfInstances = 3;
        }),
      ),
    ).toEqual([
      "postgres.clusters[0].connectionPooler.numberOfInstances: 3 pooler pods need as many nodes with role 'postgres' (label postgres-operator=enabled, one pod per node), the site has 2: add nodes or lower connectionPooler.numberOfInstances",
    ]);
  });
  test("fewer than the operator's minimum of 2", () => {
    expect(
      issuesOf(
        pooled((pg) => {
          pg.connectionPooler.numberOfInstances = 1;
        }),
      ),
    ).toEqual([
      "postgres.clusters[0].connectionPooler.numberOfInstances: 1 is below the operator's minimum of 2 pooler pods (it would run 2 anyway): use a whole number >= 2",
    ]);
  });
  test("server connections not below max_connections (the POC's is 10; the operator default is 60)", () => {
    expect(
      issuesOf(
        pooled((pg) => {
          delete pg.connectionPooler.maxDBConnections;
        }),
      ),
    ).toEqual([
      "postgres.clusters[0].connectionPooler.maxDBConnections: the pooler opens up to 60 server connections (the operator's default 60 each), not below parameters.max_connections 10: lower maxDBConnections or raise max_connections, leaving room for superuser and replication connections",
    ]);
  });
  test('a pooler section without a pooler enabled', () => {
    expect(
      issuesOf(
        withSite(poc, (s) => {
          s.postgres.clusters[0].connectionPooler = { mode: 'session' };
        }),
      ),
    ).toEqual([
      'postgres.clusters[0].connectionPooler: configures a pooler that is not enabled: set enableConnectionPooler (primary) and/or enableReplicaConnectionPooler (replicas) to true, or remove it',
    ]);
  });
  test('a replica pooler on a cluster without replicas', () => {
    expect(
      issuesOf(
        pooled((pg) => {
          pg.numberOfInstances = 1;
          pg.enableReplicaConnectionPooler = true;
          pg.connectionPooler.maxDBConnections = 4;
        }),
      ),
    ).toEqual([
      'postgres.clusters[0].enableReplicaConnectionPooler: the cluster has no replica (numberOfInstances 1): the replica pooler would have no server; raise numberOfInstances or drop it',
    ]);
  });
  test('an unknown mode, with the allowed ones', () => {
    expect(
      issuesOf(
        pooled((pg) => {
          pg.connectionPooler.mode = 'statement';
        }),
      ),
    ).toEqual([
      "postgres.clusters[0].connectionPooler.mode: unknown pooler mode 'statement': use one of session, transaction",
    ]);
  });
});

describe('semantic diff', () => {
  const pg = (d: ReturnType<typeof diffTrees>) => d.objects.find((o) => o.kind === 'postgresql')!;
  test('adding a pooler: the operator creates its Deployment and Service', () => {
    const d = diffTrees(distTree(poc), distTree(pooled()));
    expect(pg(d).impacts.map((i) => `${i.level}: ${i.message}`)).toEqual([
      'info: connection pooler acid-test-cluster-pooler: the operator creates Deployment postgres/acid-test-cluster-pooler (2 pgbouncer pods) and Service postgres/acid-test-cluster-pooler:5432, plus the pooler role and schema in each database; clients may connect through it',
    ]);
  });
  test('removing it cuts off its clients; changing its mode rolls it', () => {
    expect(pg(diffTrees(distTree(pooled()), distTree(poc))).impacts.map((i) => i.level)).toEqual(['disruptive']);
    const d = diffTrees(
      distTree(pooled()),
      distTree(
        pooled((p) => {
          p.connectionPooler.mode = 'session';
        }),
      ),
    );
    expect(pg(d).impacts.map((i) => i.message)).toEqual([
      'pooler mode transaction → session: the pgbouncer pods roll, open client connections are closed',
    ]);
  });
  test('its other settings update the Deployment and roll its pods; more instances only scale it', () => {
    const d = diffTrees(
      distTree(pooled()),
      distTree(
        pooled((p) => {
          p.connectionPooler.maxDBConnections = 5;
          p.connectionPooler.resources = {
            requests: { cpu: '100m', memory: '64Mi' },
            limits: { cpu: '500m', memory: '64Mi' },
          };
        }),
      ),
    );
    expect(pg(d).impacts.map((i) => `${i.level}: ${i.message}`)).toEqual([
      'disruptive: pooler maxDBConnections, resources changed: the operator updates Deployment postgres/acid-test-cluster-pooler, its pgbouncer pods roll and their client connections are closed',
    ]);
    const scaled = diffTrees(
      distTree(pooled()),
      distTree(
        pooled((p) => {
          p.connectionPooler.numberOfInstances = 3;
          p.connectionPooler.maxDBConnections = 6;
        }),
      ),
    );
    expect(pg(scaled).impacts.map((i) => i.message)).toEqual([
      'connection pooler acid-test-cluster-pooler: 2 → 3 pgbouncer pods',
    ]);
  });
  test("the operator's pgbouncer image rolls every pooler that names none of its own", () => {
    const config = (image: string): KubeObject => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'postgres-operator', namespace: 'postgres-operator' },
      data: { docker_image: IMAGES.spilo, connection_pooler_image: image },
    });
    const pgs = objectOf(
      renderedApps(
        pooled((p) => {
          p.enableReplicaConnectionPooler = true;
          p.connectionPooler.maxDBConnections = 3;
        }),
      ),
      'postgres-clusters',
      'postgresql',
      'acid-test-cluster',
    ) as unknown as KubeObject;
    const change = (site: readonly KubeObject[]) =>
      impactsOf({
        action: 'change',
        before: config(IMAGES.pgbouncer),
        after: config('registry.example.org/pgbouncer:1.21'),
        fields: [],
        apps: {},
        site: { before: site, after: site },
      });
    expect(change([pgs]).map((i) => `${i.level}: ${i.message}`)).toEqual([
      `disruptive: pgbouncer image ${IMAGES.pgbouncer} → registry.example.org/pgbouncer:1.21: the operator restarts, then rolls the pgbouncer pods of 2 poolers (postgres/acid-test-cluster-pooler, postgres/acid-test-cluster-pooler-repl); their client connections are closed`,
    ]);
    expect(change([]).map((i) => i.level)).toEqual(['info']);
  });
});
