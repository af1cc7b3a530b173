import type { Train, TrainVersions } from './train';

/**
 * The current train: the newest stable tag of each component in the upstream snapshots (Aug 2026),
 * on Kubernetes 1.36, the newest minor every one of them supports (1.33 to 1.36 is the common
 * range). Every value comes from ../shared/upstream/TRAINS.md unless its comment says otherwise.
 */
const versions: TrainVersions = {
  /** cdk8s-team/cdk8s kubernetes-schemas/v1.36.0, the newest schema folder (no v1.37 exists). */
  kubernetesSchemas: ['1.36.0'],
  /** zalando/postgres-operator@v2.0.1 (2026-07-29): "Postgres 14 → 18, K8s 1.27+" (README.md:67). */
  postgresOperator: 'v2.0.1',
  /** The image v2.0.1 defaults to: ghcr.io/zalando/spilo-18:4.1-p2 (manifests/configmap.yaml:37). */
  spilo: '4.1-p2',
  spiloMajor: '18',
  /** rook/rook@v1.20.6 (2026-08-20): Kubernetes v1.31 through v1.36. */
  rook: 'v1.20.6',
  /** The image of rook@v1.20.6 deploy/examples/cluster.yaml:24 (Tentacle). */
  ceph: 'v20.2.4',
  /** cert-manager v1.21.1 (2026-07-29): Kubernetes 1.33 → 1.36. */
  certManager: 'v1.21.1',
  /**
   * minio/operator@v7.1.1, the last release: the project is no longer maintained (TRAINS.md, "minio/operator:
   * status"). Pinned for its files only; the current train's S3 store is Rook's CephObjectStore.
   */
  minioOperator: 'v7.1.1',
  /** kube-prometheus v0.18.0 (2026-06-18): Kubernetes 1.33 to 1.36; Prometheus v3.12.0. */
  kubePrometheus: 'v0.18.0',
  /**
   * MetalLB v0.16.1 (2026-05-27): tags before v0.16.0 ship a BGPPeer ASN maximum Kubernetes 1.36 rejects
   * (metallb#3035).
   */
  metallb: 'v0.16.1',
  /** kube-vip v1.2.3 (2026-08-10): `vip_subnet` replaces `vip_cidr`; super-admin.conf at kubeadm init on >= 1.29. */
  kubeVip: 'v1.2.3',
  /** prometheus-community/postgres_exporter@v0.20.1: the newest tag of its fetched snapshot (not in TRAINS.md). */
  postgresExporter: 'v0.20.1',
  /** Argo CD v3.5.1 (2026-08-12; `stable`): tested on Kubernetes 1.33 to 1.36. */
  argocd: 'v3.5.1',
  /** flannel v0.28.9 (2026-08-07): images moved to ghcr.io/flannel-io. */
  flannel: 'v0.28.9',
  /** The same helm as the runbook train's: it renders charts at import time only (and both trains' charts). */
  helm: 'v3.20.2',
  /** canonical/cloud-init 26.2 (2026-07-27): still draft-04; apt_update/apt_upgrade are deprecated there. */
  cloudInitSchema: '26.2',
  /**
   * Debian 13 (trixie), stable since 9 August 2025 (debian.org/News/2025/20250809), which Docker's
   * containerd.io repository serves (docker/docs#22635 adds "Debian Trixie 13" to its install page).
   * Its own cloud-init is not verified offline: the user-data is validated against 26.2 (docs/host-bootstrap.md).
   */
  debian: '13',
  /**
   * containerd.io 2.x from Docker's Debian repository, written with config version 3: the kubelet 1.36
   * changelog ties the end of its containerd 1.7 support to 1.37 (kubernetes@v1.36.5:CHANGELOG/CHANGELOG-1.36.md:829),
   * so the train moves to 2.x now. containerd v2.3.2 is a tag (2026-06-18, Go module proxy); the Debian
   * revision of Docker's package is not verifiable offline: check it with `apt-cache madison containerd.io`.
   */
  containerdPackage: '2.3.2-1',
  /**
   * pkgs.k8s.io v1.36 package of the release npm run verify builds: k8s.io/kubernetes v1.36.5 is the newest
   * 1.36 tag the Go module proxy serves (v1.36.6 and later: "not available").
   */
  kubernetesPackages: { '1.36.5': '1.36.5-1.1' },
  /** kubeadm 1.36's images (kubernetes@v1.36.5:cmd/kubeadm/app/constants/constants.go:450, :334/:518, :372). */
  pause: { '1.36': '3.10.2' },
  etcd: { '1.36': '3.6.8-0' },
  coredns: { '1.36': 'v1.14.2' },
  /** The tenant chart default of minio/operator@v7.1.1 (helm/tenant/values.yaml:32-33). */
  minio: 'RELEASE.2025-04-08T15-41-24Z',
  /** The KES tag minio/operator@v7.1.1 documents (helm/tenant/values.yaml:383-384). */
  kes: '2025-03-12T09-35-18Z',
  /** The minor's own repository serves an unexpired key. */
  kubernetesKeyRepository: 'v1.36',
  verifyKubernetes: { '1.36': '1.36.5' },
  /** kwok v0.8.0 supports up to 1.36.1 (supported_releases.txt) and is built on client-go v0.36.1. */
  kwok: 'v0.8.0',
};

export const CURRENT: Train = {
  name: 'current',
  versions,
  // the MinIO operator is unmaintained (below): backups go to Rook's own RGW, maintained with the block storage
  s3Provider: 'ceph-object-store',
  images: (v) => ({
    // v2.0.1 moved every image from registry.opensource.zalan.do to ghcr.io (manifests/postgres-operator.yaml:22,
    // configmap.yaml:20)
    postgresOperator: `ghcr.io/zalando/postgres-operator:${v.postgresOperator}`,
    postgresOperatorUi: `ghcr.io/zalando/postgres-operator-ui:${v.postgresOperator}`,
    spilo: `ghcr.io/zalando/spilo-${v.spiloMajor}:${v.spilo}`,
    pgbouncer: `ghcr.io/zalando/postgres-operator/pgbouncer:${v.postgresOperator}`,
    rook: `docker.io/rook/ceph:${v.rook}`,
    ceph: `quay.io/ceph/ceph:${v.ceph}`,
    minio: `quay.io/minio/minio:${v.minio}`,
    kes: `quay.io/minio/kes:${v.kes}`,
    postgresExporter: `quay.io/prometheuscommunity/postgres-exporter:${v.postgresExporter}`,
    /** kube-prometheus v0.18.0 manifests/prometheus-prometheus.yaml:21 (Prometheus 3). */
    prometheus: 'quay.io/prometheus/prometheus:v3.12.0',
    /** kube-prometheus v0.18.0 manifests/grafana-deployment.yaml:33. */
    grafana: 'grafana/grafana:13.0.2',
    kubeVip: `ghcr.io/kube-vip/kube-vip:${v.kubeVip}`,
    certManagerAcmeSolver: `quay.io/jetstack/cert-manager-acmesolver:${v.certManager}`,
  }),
  /** From the "Kubernetes minor: what each current component supports" table of TRAINS.md. */
  compatibility: {
    kubernetes: [
      {
        component: 'rook',
        min: '1.31',
        max: '1.36',
        source: 'rook/rook@v1.20.6:Documentation/Getting-Started/Prerequisites/prerequisites.md:10',
        quote: 'Kubernetes versions v1.31 through v1.36 are supported',
      },
      {
        component: 'postgresOperator',
        min: '1.27',
        source: 'zalando/postgres-operator@v2.0.1:README.md:67',
        quote: 'v2.0.1 | 14 → 18 | 1.27+',
      },
      {
        component: 'minioOperator',
        min: '1.30',
        source: 'minio/operator@v7.1.1:README.md:39-41',
        quote: 'MinIO requires Kubernetes version 1.30.0 or later',
      },
      {
        component: 'kubePrometheus',
        min: '1.33',
        max: '1.36',
        source: 'prometheus-operator/kube-prometheus@v0.18.0:README.md:47-51',
        quote: 'compatibility matrix: release-0.18 with Kubernetes 1.33, 1.34, 1.35, 1.36',
      },
      {
        component: 'argocd',
        min: '1.33',
        max: '1.36',
        source: 'argoproj/argo-cd@v3.5.1:docs/operator-manual/tested-kubernetes-versions.md:3',
        quote: 'v1.36, v1.35, v1.34, v1.33',
      },
      {
        component: 'certManager',
        min: '1.33',
        max: '1.36',
        source: 'cert-manager/website@776e5dba:content/docs/releases/README.md:24',
        quote: 'supported releases: 1.21, Kubernetes 1.33 → 1.36',
      },
      {
        component: 'flannel',
        min: '1.17',
        source: 'flannel-io/flannel@v0.28.9:README.md:44',
        quote: 'For Kubernetes v1.17+',
      },
      {
        component: 'metallb',
        min: '1.13',
        source: 'metallb/metallb@v0.16.1:website/content/_index.md:43',
        quote: 'Kubernetes 1.13.0 or later',
      },
    ],
    unmaintained: [
      {
        component: 'minioOperator',
        source: '../shared/upstream/TRAINS.md, "minio/operator: status"',
        quote: 'No tag is newer than v7.1.1 (2025-04-23) [...] treat v7.1.1 as the last release, and expect no fixes',
        instead: "s3: { provider: 'ceph-object-store' } (Rook's RGW on the s3 nodes, docs/ceph-object-store.md)",
      },
    ],
    postgresMajors: {
      majors: ['14', '15', '16', '17', '18'],
      source: 'zalando/postgres-operator@v2.0.1:manifests/postgresql.crd.yaml:2457-2461',
      quote: 'spec.postgresql.version enum: "14", "15", "16", "17", "18"',
    },
    cephMajors: {
      majors: ['19', '20'],
      source: 'rook/rook@v1.20.6:deploy/examples/cluster.yaml:25',
      quote: 'Currently Squid and Tentacle are supported.',
    },
  },
};
