import { field } from '../lib/core/impact';
import { describe, expect, test } from 'vitest';
import { POD_SECURITY_REASON } from '../lib/core/annotations';
import { catalogOf } from '../lib/site/catalog';
import { lab } from '../sites/lab';
import { poc } from '../sites/poc';
import { objectOf, renderedApps, withSite } from './support/render';
import { SchemaValidator, schemaVersionFor } from '../lib/check/schema-validator';
import { validateSite } from '../lib/components/validate';

const apps = renderedApps(poc);

describe('acid-test-cluster (the runbook cluster)', () => {
  const pg = objectOf(apps, 'postgres-clusters', 'postgresql', 'acid-test-cluster');

  test('is the runbook cluster: team acid, 2 instances, PostgreSQL 15, 1Gi on rook-ceph-block', () => {
    expect(pg.apiVersion).toBe('acid.zalan.do/v1');
    expect(pg.spec.teamId).toBe('acid');
    expect(pg.spec.numberOfInstances).toBe(2);
    expect(pg.spec.postgresql.version).toBe('15');
    expect(pg.spec.volume).toEqual({ size: '1Gi', storageClass: 'rook-ceph-block' });
  });

  test('runs only on nodes labelled postgres-operator=enabled', () => {
    expect(pg.spec.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([
      { matchExpressions: [{ key: 'postgres-operator', operator: 'In', values: ['enabled'] }] },
    ]);
  });

  test('runs Spilo as uid 101, gid 103, fsGroup 103', () => {
    expect(pg.spec.spiloRunAsUser).toBe(101);
    expect(pg.spec.spiloRunAsGroup).toBe(103);
    // rendered as the CRD spells it (the generated class's spiloFsGroup is mapped at synth)
    expect(field(pg, 'spec.spiloFSGroup')).toBe(103);
  });

  test('keeps the complete-manifest users, databases and parameters', () => {
    expect(pg.spec.users).toEqual({ zalando: ['superuser', 'createdb'], foo_user: [] });
    expect(pg.spec.databases).toEqual({ foo: 'zalando' });
    expect(pg.spec.postgresql.parameters).toEqual({
      shared_buffers: '32MB',
      max_connections: '10',
      log_statement: 'all',
    });
  });

  test('is never pruned or deleted by ArgoCD, and syncs before its CRD exists', () => {
    const options = pg.metadata.annotations['argocd.argoproj.io/sync-options'].split(',');
    expect(options).toEqual(
      expect.arrayContaining(['Prune=false', 'Delete=false', 'SkipDryRunOnMissingResource=true']),
    );
  });
});

describe("the clusters' namespaces", () => {
  test.each([
    ['poc', poc],
    ['lab', lab],
  ])("%s: their Pod Security reason names the operator version of the site's train", (_, site) => {
    const version = catalogOf(site).versions.postgresOperator;
    const namespaces = renderedApps(site)
      .get('postgres-clusters')!
      .filter((o) => o.kind === 'Namespace');
    expect(namespaces.length).toBeGreaterThan(0);
    for (const ns of namespaces) {
      const reason = ns.metadata.annotations?.[POD_SECURITY_REASON] ?? '';
      expect(
        [...reason.matchAll(/postgres-operator (v[0-9.]+)/g)].map((m) => m[1]),
        ns.metadata.name,
      ).toEqual([version]);
    }
  });
});

describe("a cluster's server certificate (tls): Spilo and its poolers serve it, clients verify-full", () => {
  const tlsOf = (site: typeof poc, name: string) =>
    objectOf(renderedApps(site), 'postgres-clusters', 'postgresql', name).spec.tls;
  test("lab's acid-orders: the Secret by name, the file names written out (v1.9.0's pooler mixes them up otherwise)", () => {
    expect(tlsOf(lab, 'acid-orders')).toEqual({
      secretName: 'acid-orders-tls',
      certificateFile: 'tls.crt',
      privateKeyFile: 'tls.key',
    });
    expect(tlsOf(lab, 'acid-analytics')).toBeUndefined();
    expect(tlsOf(poc, 'acid-test-cluster')).toBeUndefined();
  });
  test("a CA Secret: the operator's caSecretName and its ca.crt; valid against both trains' postgresql CRDs", () => {
    const withCa = withSite(
      poc,
      (s) => (s.postgres.clusters[0].tls = { secretName: 'pg-tls', caSecretName: 'site-ca' }),
    );
    const pg = objectOf(renderedApps(withCa), 'postgres-clusters', 'postgresql', 'acid-test-cluster');
    expect(pg.spec.tls).toEqual({
      secretName: 'pg-tls',
      certificateFile: 'tls.crt',
      privateKeyFile: 'tls.key',
      caSecretName: 'site-ca',
      caFile: 'ca.crt',
    });
    for (const site of [poc, lab]) {
      const v = new SchemaValidator(
        schemaVersionFor(site.kubernetes.version, catalogOf(site).versions),
        catalogOf(site).versions,
      );
      expect(v.validate(pg)).toEqual([]);
      // the CRDs require secretName: the check can fail
      expect(v.validate({ ...pg, spec: { ...pg.spec, tls: { caFile: 'ca.crt' } } })).not.toEqual([]);
    }
  });
  test("issued by the site's cert-manager: a Certificate for every Service name, valid against the pinned CRD, granted by the app's project", () => {
    const issued = withSite(poc, (s) => {
      s.postgres.clusters[0].tls = {
        secretName: 'acid-test-cluster-tls',
        issuer: { kind: 'ClusterIssuer', name: 'site-ca' },
      };
      s.postgres.clusters[0].enableConnectionPooler = true;
    });
    const rendered = renderedApps(issued);
    const cert = objectOf(rendered, 'postgres-clusters', 'Certificate', 'acid-test-cluster-tls') as any;
    expect(cert.metadata.namespace).toBe('postgres');
    expect(cert.spec).toEqual({
      secretName: 'acid-test-cluster-tls',
      issuerRef: { group: 'cert-manager.io', kind: 'ClusterIssuer', name: 'site-ca' },
      dnsNames: ['acid-test-cluster', 'acid-test-cluster-repl', 'acid-test-cluster-pooler'].flatMap((n) => [
        `${n}.postgres.svc`,
        `${n}.postgres.svc.cluster.local`,
      ]),
      usages: ['server auth'],
    });
    const v = new SchemaValidator(
      schemaVersionFor(poc.kubernetes.version, catalogOf(poc).versions),
      catalogOf(poc).versions,
    );
    expect(v.validate(cert)).toEqual([]);
    expect(v.validate({ ...cert, spec: { ...cert.spec, issuerRef: undefined } })).not.toEqual([]);
    const project = objectOf(rendered, 'argocd', 'AppProject', 'poc-postgres-clusters') as any;
    expect(project.spec.namespaceResourceWhitelist).toContainEqual({ group: 'cert-manager.io', kind: 'Certificate' });
    // poc runs cert-manager (ceph.certManager): no tls issue
    expect(validateSite(issued).filter((i) => i.path.includes('.tls'))).toEqual([]);
  });
  test('fails on an issuer where the site runs no cert-manager (lab)', () => {
    expect(
      validateSite(
        withSite(
          lab,
          (s) => (s.postgres.clusters[0].tls = { secretName: 'x-tls', issuer: { kind: 'Issuer', name: 'ca' } }),
        ),
      ),
    ).toEqual([
      {
        path: 'postgres.clusters[0].tls.issuer',
        message:
          'a Certificate needs cert-manager, which this site does not run: set ceph.certManager: true, or create the Secret yourself and drop issuer',
      },
    ]);
  });
  test('fails on Secret names that are no names, at their paths', () => {
    expect(
      validateSite(
        withSite(poc, (s) => (s.postgres.clusters[0].tls = { secretName: 'PG TLS', caSecretName: 'Site_CA' })),
      ).map((i) => i.path),
    ).toEqual(['postgres.clusters[0].tls.secretName', 'postgres.clusters[0].tls.caSecretName']);
  });
});
