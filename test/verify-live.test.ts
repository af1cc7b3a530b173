import { describe, expect, test } from 'vitest';
import type { KubeObject } from '../lib/core/objects';
import { withPreload } from '../lib/verify/live/data-plane';
import { liveFindings } from '../lib/verify/live/facts';
import { gatewayOf, kubernetesServiceIp } from '../lib/verify/live/network';
import { storePlan } from '../lib/verify/live/s3';
import { imageEnv } from '../lib/verify/live/spilo-image';
import { HEALTHY_CLUSTER } from './support/live-facts';

const healthy = HEALTHY_CLUSTER;

describe('the live data plane (lib/verify/live/): its pure parts', () => {
  test('a cluster passes only with one leader behind the master Service, every replica streaming, a backup, clients, Running', () => {
    expect(liveFindings(healthy)).toEqual([]);
    expect(liveFindings({ ...healthy, masterEndpoints: ['10.244.0.4'] })).toEqual([
      "postgres/acid-a: the master Service's endpoints are [10.244.0.4], not the leader acid-a-0 (10.244.0.3)",
    ]);
    expect(liveFindings({ ...healthy, streaming: [] })).toEqual([
      'postgres/acid-a: 0 of 1 replicas streaming from the leader (pg_stat_replication)',
    ]);
    expect(liveFindings({ ...healthy, backups: { count: 0, newest: null } })).toEqual([
      'postgres/acid-a: no base backup listed by wal-g backup-list',
    ]);
    expect(liveFindings({ ...healthy, clientAccess: { master: true, replicaRead: false, checked: [] } })).toHaveLength(
      1,
    );
    expect(liveFindings({ ...healthy, missingMetrics: ['pg_up'], exporterUp: false })).toEqual([
      'postgres/acid-a: postgres_exporter does not serve pg_up, which the alert rules or dashboard query',
      "postgres/acid-a: postgres_exporter's pg_up is not 1 (it cannot reach PostgreSQL)",
    ]);
    expect(liveFindings({ ...healthy, leader: null, status: 'Creating' })).toEqual([
      'postgres/acid-a: no leader (no pod labelled master by Patroni)',
      'postgres/acid-a: postgresql status Creating, not Running',
    ]);
  });

  test("the image's environment is its Dockerfile's last stage ENV, ARG defaults and earlier values expanded", () => {
    const dockerfile = [
      'ARG PGVERSION=15',
      'FROM ubuntu as builder',
      'ENV WALG_VERSION=v2.0.1',
      'FROM builder',
      'ENV LC_ALL=en_US.utf-8 \\',
      '    PATH=$PATH:/usr/lib/postgresql/$PGVERSION/bin \\',
      '    PGHOME=/home/postgres',
      'ENV PGROOT=$PGHOME/pgdata/pgroot',
    ].join('\n');
    expect(imageEnv(dockerfile, '/usr/bin:/bin')).toEqual({
      LC_ALL: 'en_US.utf-8',
      PATH: '/usr/bin:/bin:/usr/lib/postgresql/15/bin',
      PGHOME: '/home/postgres',
      PGROOT: '/home/postgres/pgdata/pgroot',
    });
  });

  test("Spilo's preload list goes into SPILO_CONFIGURATION unless the cluster sets its own", () => {
    const env = { SPILO_CONFIGURATION: JSON.stringify({ postgresql: { parameters: { max_connections: '10' } } }) };
    expect(JSON.parse(withPreload(env, 'pg_stat_statements,pgextwlist').SPILO_CONFIGURATION)).toEqual({
      postgresql: { parameters: { max_connections: '10', shared_preload_libraries: 'pg_stat_statements,pgextwlist' } },
    });
    const own = {
      SPILO_CONFIGURATION: JSON.stringify({ postgresql: { parameters: { shared_preload_libraries: 'x' } } }),
    };
    expect(withPreload(own, 'pg_stat_statements')).toBe(own);
  });

  test('the pods gateway and the kubernetes Service address come from the site subnets', () => {
    expect(gatewayOf('10.244.0.0/16')).toEqual({ gateway: '10.244.255.254', prefix: 16 });
    expect(kubernetesServiceIp('10.96.0.0/12')).toBe('10.96.0.1');
    expect(() => gatewayOf('10.244.0.1/16')).toThrow(/no IPv4 CIDR/);
  });

  test("the S3 store stands where the site's objects put it: a MinIO Tenant's Service, or Rook's RGW with its claims", () => {
    const tenant: KubeObject = {
      apiVersion: 'minio.min.io/v2',
      kind: 'Tenant',
      metadata: { name: 'minio', namespace: 'minio' },
      spec: { buckets: [{ name: 'postgres-backups' }] },
    };
    expect(storePlan([tenant])).toMatchObject({
      namespace: 'minio',
      service: 'minio',
      port: 443,
      https: true,
      buckets: ['postgres-backups'],
    });
    const store: KubeObject = {
      apiVersion: 'ceph.rook.io/v1',
      kind: 'CephObjectStore',
      metadata: { name: 'object-store', namespace: 'rook-ceph' },
      spec: { gateway: { port: 80 } },
    };
    const claim: KubeObject = {
      apiVersion: 'objectbucket.io/v1alpha1',
      kind: 'ObjectBucketClaim',
      metadata: { name: 'backups', namespace: 'postgres' },
      spec: { bucketName: 'pg-backups' },
    };
    expect(storePlan([store, claim])).toMatchObject({
      service: 'rook-ceph-rgw-object-store',
      port: 80,
      https: false,
      buckets: ['pg-backups'],
      claims: [{ namespace: 'postgres', name: 'backups', bucket: 'pg-backups' }],
    });
    expect(storePlan([])).toBeUndefined();
  });
});
