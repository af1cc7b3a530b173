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
  /** The last v1.9 patch: v1.9.2 errors forever on Kubernetes >= 1.25 deleting a batch/v1beta1 CronJob (rook/rook#10822, fixed in v1.9.10). */
  rook: 'v1.9.13',
  ceph: 'v16.2.7',
  certManager: 'v1.7.1',
  minioOperator: 'v5.0.6',
  kubePrometheus: 'v0.13.0',
  /**
   * MetalLB (L2 mode) for LoadBalancer Services on bare metal. v0.13.11: the last tag on the
   * Kubernetes 1.26 client libraries (v0.13.12 was reported crash-looping on 1.26, metallb#2145);
   * upstream states only "1.13 or later" (TRAINS.md).
   */
  metallb: 'v0.13.11',
  postgresExporter: 'v0.13.2',
  argocd: 'v2.7.7',
  flannel: 'v0.22.0',
  /** helm, built from the Go module proxy (`npm run tools`), renders the pinned charts at import time only: synth never runs it. */
  helm: 'v3.20.2',
  cloudInitSchema: '22.4.2',
  /** containerd.io from Docker's Debian repository: Debian 11's own containerd (1.4) is too old for Kubernetes 1.26. */
  containerdPackage: '1.6.21-1',
  /**
   * kubelet/kubeadm/kubectl Debian package version (pkgs.k8s.io) of each Kubernetes release a
   * site or node may run; `apt-cache madison kubeadm` on a node with the minor's repository lists them.
   */
  kubernetesPackages: { '1.26.2': '1.26.2-1.1', '1.27.3': '1.27.3-1.1' } as Readonly<Record<string, string>>,
  /** Sandbox (pause) image tag kubeadm uses per Kubernetes minor; containerd's sandbox_image must match it. */
  pause: { '1.26': '3.9', '1.27': '3.9' } as Readonly<Record<string, string>>,
  /** etcd and CoreDNS images kubeadm deploys per Kubernetes minor (`kubeadm config images list`), for air-gapped mirrors. */
  etcd: { '1.26': '3.5.6-0', '1.27': '3.5.7-0' } as Readonly<Record<string, string>>,
  coredns: { '1.26': 'v1.9.3', '1.27': 'v1.10.1' } as Readonly<Record<string, string>>,
  /** MinIO server: the default of the pinned tenant chart (helm/tenant/values.yaml of minioOperator). */
  minio: 'RELEASE.2023-06-23T20-26-00Z',
  /** KES (MinIO's KMS bridge): the default the pinned tenant chart documents. */
  kes: '2023-05-02T22-48-10Z',
  /**
   * The pkgs.k8s.io repository the signing key is fetched from. All minors share one key, but the copies
   * served by the v1.24–v1.27 repositories expired on 2024-11-02 (kubernetes/release#3818): take a newer one.
   */
  kubernetesKeyRepository: 'v1.35',
} as const;

/** Container images built from the catalog. */
export const IMAGES = {
  postgresOperator: `registry.opensource.zalan.do/acid/postgres-operator:${VERSIONS.postgresOperator}`,
  postgresOperatorUi: `registry.opensource.zalan.do/acid/postgres-operator-ui:${VERSIONS.postgresOperator}`,
  spilo: `ghcr.io/zalando/spilo-${VERSIONS.spiloMajor}:${VERSIONS.spilo}`,
  logicalBackup: `registry.opensource.zalan.do/acid/logical-backup:${VERSIONS.postgresOperator}`,
  pgbouncer: 'registry.opensource.zalan.do/acid/pgbouncer:master-26',
  rook: `rook/ceph:${VERSIONS.rook}`,
  ceph: `quay.io/ceph/ceph:${VERSIONS.ceph}`,
  minio: `quay.io/minio/minio:${VERSIONS.minio}`,
  minioOperator: `quay.io/minio/operator:${VERSIONS.minioOperator}`,
  kes: `minio/kes:${VERSIONS.kes}`,
  postgresExporter: `quay.io/prometheuscommunity/postgres-exporter:${VERSIONS.postgresExporter}`,
  /** kube-prometheus' Prometheus (manifests/prometheus-prometheus.yaml at kubePrometheus), which the monitoring app renders. */
  prometheus: 'quay.io/prometheus/prometheus:v2.46.0',
  /** kube-prometheus' Grafana (manifests/grafana-deployment.yaml at kubePrometheus), which our Deployment replaces. */
  grafana: 'grafana/grafana:9.5.3',
} as const;

/** The sandbox image of a Kubernetes minor (`1.26`), or undefined when none is pinned. */
export function pauseImage(minor: string): string | undefined {
  const tag = VERSIONS.pause[minor];
  return tag === undefined ? undefined : `registry.k8s.io/pause:${tag}`;
}
