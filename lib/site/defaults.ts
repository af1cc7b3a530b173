/** CPU and memory as the site model writes them (ResourceAmounts). */
interface Amounts {
  readonly cpu: string;
  readonly memory: string;
}

/**
 * Every default of the site model, each written once, here. The schema's `Default:` texts quote these values
 * (lib/site/model.ts, lib/site/schema/*.ts, which import this leaf module); resolveSite applies them; charts,
 * constructs, validation and checks read the values through resolveSite (or these constants), never a literal of
 * their own.
 */
export const DEFAULTS = {
  /** kubeadm's Service CIDR. */
  serviceSubnet: '10.96.0.0/12',
  operatorNamespace: 'postgres-operator',
  /** The namespace of a cluster that names none. */
  postgresNamespace: 'postgres',
  /** The Spilo image's postgres user and group (runbook: spiloRunAsUser 101, spiloRunAsGroup/FSGroup 103). */
  spiloSecurityContext: { runAsUser: 101, runAsGroup: 103, fsGroup: 103 },
  /** The operator's own defaults (default_cpu_request … default_memory_limit). */
  spiloResources: {
    requests: { cpu: '100m', memory: '100Mi' } as Amounts,
    limits: { cpu: '500m', memory: '500Mi' } as Amounts,
  },
  /**
   * The operator's pooler defaults (docs/reference/operator_parameters.md, connection_pooler_*):
   * 2 instances (also its minimum), transaction mode, 60 server connections, requests 500m/100Mi, limits 1/100Mi.
   */
  pooler: {
    numberOfInstances: 2,
    maxDBConnections: 60,
    mode: 'transaction',
    resources: {
      requests: { cpu: '500m', memory: '100Mi' } as Amounts,
      limits: { cpu: '1', memory: '100Mi' } as Amounts,
    },
  },
  /** WAL-G base backups: daily at 01:00 UTC, 5 kept. */
  backups: { schedule: '0 1 * * *', retain: 5 },
  /** The RBD StorageClass, Retain (Postgres data outlives its PVC), the dashboard on, no toolbox, no cert-manager. */
  ceph: {
    blockStorageClass: 'rook-ceph-block',
    reclaimPolicy: 'Retain',
    dashboard: true,
    toolbox: false,
    certManager: false,
  },
  /** MinIO's tenant `minio` in namespace `minio`, TLS from the cluster CA, metrics without a token. */
  minio: {
    tenant: 'minio',
    namespace: 'minio',
    autoCert: true,
    publicMetrics: true,
    storageClass: 'minio-local',
    buckets: [] as string[],
    /** The OpenID claim holding the MinIO policy, and the scopes asked for. */
    openidClaimName: 'policy',
    openidScopes: ['openid', 'profile', 'email'],
  },
  /** kube-prometheus' Prometheus `k8s` runs 2 servers. */
  prometheusReplicas: 2,
  /**
   * Every cluster's alert thresholds, unless the site's monitoring.thresholds or the cluster's alerts say otherwise.
   */
  thresholds: {
    replicationLagSeconds: 60,
    connectionsRatio: 0.8,
    volumeFreeRatio: 0.15,
    instanceDownFor: '2m',
    archiveFailingFor: '15m',
  },
  /** The bootstrap installs ArgoCD and the root Application. */
  installArgoCd: true,
} as const;

/** `requests 100m/100Mi, limits 500m/500Mi`: resources as the schema's Default: texts write them. */
export const amountsText = (r: { readonly requests: Amounts; readonly limits: Amounts }): string =>
  `requests ${r.requests.cpu}/${r.requests.memory}, limits ${r.limits.cpu}/${r.limits.memory}`;
