/**
 * The pinned version catalog: the only place where an upstream version is written.
 * Bumping a version here (and running `npm run import` when it names an upstream file)
 * is how a site moves to a new release.
 */
export const VERSIONS = {
  /** Kubernetes minor served by the pinned schemas; sites choose their patch release. */
  kubernetesSchemas: ['1.26.0', '1.27.0'],
  postgresOperator: 'v1.9.0',
  /** Spilo image tag (PostgreSQL 15 line); the runbook's minor upgrade went 2.1-p9 -> 3.0-p1. */
  spilo: '3.0-p1',
  spiloMajor: '15',
  rook: 'v1.9.2',
  ceph: 'v16.2.7',
  certManager: 'v1.7.1',
  minioOperator: 'v5.0.6',
  kubePrometheus: 'v0.13.0',
  postgresExporter: 'v0.13.2',
  argocd: 'v2.7.7',
  flannel: 'v0.22.0',
  cloudInitSchema: '22.4.2',
} as const;

/** Container images built from the catalog. */
export const IMAGES = {
  postgresOperator: `registry.opensource.zalan.do/acid/postgres-operator:${VERSIONS.postgresOperator}`,
  postgresOperatorUi: `registry.opensource.zalan.do/acid/postgres-operator-ui:${VERSIONS.postgresOperator}`,
  spilo: `ghcr.io/zalando/spilo-${VERSIONS.spiloMajor}:${VERSIONS.spilo}`,
  logicalBackup: `registry.opensource.zalan.do/acid/logical-backup:${VERSIONS.postgresOperator}`,
  pgbouncer: 'registry.opensource.zalan.do/acid/pgbouncer:master-26',
} as const;
