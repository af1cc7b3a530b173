import type { Train, TrainVersions } from './train';

/**
 * The runbook's train: the versions the runbook (2023) installed, on Kubernetes 1.26/1.27.
 * Bumping a version here (and running `npm run import` when it names an upstream file) moves
 * every site of this train; a site moves alone with `versions:` overrides (catalog.ts).
 */
const versions: TrainVersions = {
  kubernetesSchemas: ['1.26.0', '1.27.0'],
  postgresOperator: 'v1.9.0',
  /** Spilo image tag (PostgreSQL 15 line); the runbook's minor upgrade went 2.1-p9 -> 3.0-p1. */
  spilo: '3.0-p1',
  spiloMajor: '15',
  /**
   * The last v1.9 patch: v1.9.2 errors forever on Kubernetes >= 1.25 deleting a batch/v1beta1 CronJob (rook/rook#10822,
   * fixed in v1.9.10).
   */
  rook: 'v1.9.13',
  ceph: 'v16.2.7',
  /**
   * The 1.12 LTS (its last patch): supported on Kubernetes 1.22 to 1.32, so on the runbook's 1.26/1.27, where
   * the runbook's v1.7.1 (1.18 to 1.23) ran unsupported (TRAINS.md). Same chart layout as 1.7.
   */
  certManager: 'v1.12.17',
  minioOperator: 'v5.0.6',
  kubePrometheus: 'v0.13.0',
  /**
   * MetalLB (L2 mode) for LoadBalancer Services on bare metal. v0.13.11: the last tag on the
   * Kubernetes 1.26 client libraries (v0.13.12 was reported crash-looping on 1.26, metallb#2145);
   * upstream states only "1.13 or later" (TRAINS.md).
   */
  metallb: 'v0.13.11',
  /**
   * kube-vip, the control plane's virtual IP as a static Pod (ARP); v0.6.2 predates the super-admin.conf change of
   * kubeadm 1.29 (TRAINS.md).
   */
  kubeVip: 'v0.6.2',
  postgresExporter: 'v0.13.2',
  argocd: 'v2.7.7',
  flannel: 'v0.22.0',
  /**
   * helm, built from the Go module proxy (`npm run tools`), renders the pinned charts at import time only: synth never
   * runs it.
   */
  helm: 'v3.20.2',
  cloudInitSchema: '22.4.2',
  /** Debian 12 (bookworm), whose cloud-init is 22.4.2 (the schema above). */
  debian: '12',
  /** containerd.io from Docker's Debian repository: Debian 11's own containerd (1.4) is too old for Kubernetes 1.26. */
  containerdPackage: '1.6.21-1',
  /**
   * kubelet/kubeadm/kubectl Debian package version (pkgs.k8s.io) of each Kubernetes release a
   * site or node may run; `apt-cache madison kubeadm` on a node with the minor's repository lists them.
   */
  kubernetesPackages: { '1.26.2': '1.26.2-1.1', '1.27.3': '1.27.3-1.1' },
  /** Sandbox (pause) image tag kubeadm uses per Kubernetes minor; containerd's sandbox_image must match it. */
  pause: { '1.26': '3.9', '1.27': '3.9' },
  /**
   * etcd and CoreDNS images kubeadm deploys per Kubernetes minor (`kubeadm config images list`), for air-gapped
   * mirrors.
   */
  etcd: { '1.26': '3.5.6-0', '1.27': '3.5.7-0' },
  coredns: { '1.26': 'v1.9.3', '1.27': 'v1.10.1' },
  /** MinIO server: the default of the pinned tenant chart (helm/tenant/values.yaml of minioOperator). */
  minio: 'RELEASE.2023-06-23T20-26-00Z',
  /** KES (MinIO's KMS bridge): the default the pinned tenant chart documents. */
  kes: '2023-05-02T22-48-10Z',
  /**
   * The pkgs.k8s.io repository the signing key is fetched from. All minors share one key, but the copies
   * served by the v1.24–v1.27 repositories expired on 2024-11-02 (kubernetes/release#3818): take a newer one.
   */
  kubernetesKeyRepository: 'v1.35',
  /**
   * `npm run verify`'s throwaway control plane, built from source with Go: the kube-apiserver,
   * kube-controller-manager and kube-scheduler release per Kubernetes minor (the sites' own patch
   * releases), and kwok standing in for the nodes. etcd is Debian's etcd-server package.
   */
  verifyKubernetes: { '1.26': '1.26.2', '1.27': '1.27.3' },
  kwok: 'v0.8.0',
};

export const RUNBOOK_2023: Train = {
  name: 'runbook-2023',
  versions,
  // the runbook's MinIO tenant; ceph-object-store is the maintained alternative (s3.provider)
  s3Provider: 'minio',
  images: (v) => ({
    postgresOperator: `registry.opensource.zalan.do/acid/postgres-operator:${v.postgresOperator}`,
    postgresOperatorUi: `registry.opensource.zalan.do/acid/postgres-operator-ui:${v.postgresOperator}`,
    spilo: `ghcr.io/zalando/spilo-${v.spiloMajor}:${v.spilo}`,
    pgbouncer: 'registry.opensource.zalan.do/acid/pgbouncer:master-26',
    rook: `rook/ceph:${v.rook}`,
    ceph: `quay.io/ceph/ceph:${v.ceph}`,
    minio: `quay.io/minio/minio:${v.minio}`,
    kes: `minio/kes:${v.kes}`,
    postgresExporter: `quay.io/prometheuscommunity/postgres-exporter:${v.postgresExporter}`,
    /**
     * kube-prometheus' Prometheus (manifests/prometheus-prometheus.yaml at kubePrometheus), which the monitoring app
     * renders.
     */
    prometheus: 'quay.io/prometheus/prometheus:v2.46.0',
    /**
     * kube-prometheus' Grafana (manifests/grafana-deployment.yaml at kubePrometheus), which our Deployment replaces.
     */
    grafana: 'grafana/grafana:9.5.3',
    kubeVip: `ghcr.io/kube-vip/kube-vip:${v.kubeVip}`,
    certManagerAcmeSolver: `quay.io/jetstack/cert-manager-acmesolver:${v.certManager}`,
  }),
  /**
   * From ../shared/upstream/TRAINS.md. postgres-operator v1.9.0 states no Kubernetes range (client-go
   * v0.23.5); ArgoCD v2.7.7 "supports what Kubernetes supports" (its CI ran up to 1.26), so neither is guarded.
   */
  compatibility: {
    kubernetes: [
      {
        component: 'rook',
        min: '1.17',
        source: 'rook/rook@v1.9.13:Documentation/Getting-Started/Prerequisites/prerequisites.md:10',
        quote: 'Kubernetes v1.17 or higher',
      },
      {
        component: 'minioOperator',
        min: '1.21',
        source: 'minio/operator@v5.0.6:README.md:66-68',
        quote: 'MinIO requires Kubernetes version 1.21.0 or later',
      },
      {
        component: 'kubePrometheus',
        min: '1.26',
        max: '1.28',
        source: 'prometheus-operator/kube-prometheus@v0.13.0:README.md:43-48',
        quote: 'compatibility matrix: release-0.13 with Kubernetes 1.26, 1.27, 1.28',
      },
      {
        component: 'metallb',
        min: '1.13',
        source: 'metallb/metallb@v0.13.11:website/content/_index.md:43',
        quote: 'Kubernetes 1.13.0 or later',
      },
      {
        component: 'flannel',
        min: '1.17',
        source: 'flannel-io/flannel@v0.22.0:README.md:34',
        quote: 'For Kubernetes v1.17+',
      },
      {
        component: 'certManager',
        min: '1.22',
        max: '1.32',
        source: 'cert-manager/website@776e5dba:content/docs/releases/README.md:312',
        quote: 'supported releases: 1.12 LTS, Kubernetes 1.22 → 1.32',
      },
    ],
    // the runbook's own versions, all of 2023: MinIO v5.0.6 is this train's S3 by design (s3Provider)
    unmaintained: [],
    postgresMajors: {
      majors: ['10', '11', '12', '13', '14', '15'],
      source: 'zalando/postgres-operator@v1.9.0:manifests/postgresql.crd.yaml:372-377',
      quote: 'spec.postgresql.version enum: "10", "11", "12", "13", "14", "15"',
    },
    cephMajors: {
      majors: ['15', '16'],
      source: 'rook/rook@v1.9.13:deploy/examples/cluster.yaml:25',
      quote: 'Currently `octopus` and `pacific` are supported.',
    },
  },
};
