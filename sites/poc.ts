import type { Site, SiteNode } from '../lib/site/model';

/**
 * The runbook's POC cluster (Debian, kubeadm 1.26): one control plane (8 CPU / 8 GB),
 * 2 CPU / 2 GB workers for Postgres, Ceph and MinIO. Worker addresses other than the
 * control plane's are not in the runbook: they are this site's assumption.
 */
const worker = (name: string, address: string, roles: SiteNode['roles'], disks?: SiteNode['disks']): SiteNode =>
  ({ name, address, roles, cpu: 2, memory: '2Gi', ...(disks ? { disks } : {}) });

export const poc: Site = {
  name: 'poc',
  release: 'runbook-2023',
  kubernetes: { version: '1.26.2', controlPlaneEndpoint: '10.10.10.30:6443', podSubnet: '10.244.0.0/16' },
  gitops: { repoURL: 'https://git.example.org/dnum/pg-platform-gitops.git', targetRevision: 'poc-argocd' },
  nodes: [
    { name: 'debian-cp', address: '10.10.10.30', roles: ['control-plane'], cpu: 8, memory: '8Gi' },
    worker('dnumworker1', '10.10.10.31', ['postgres']),
    worker('dnumworker2', '10.10.10.32', ['postgres']),
    worker('dnumcephworker1', '10.10.10.41', ['storage'], [{ device: '/dev/vdb', size: '50Gi' }]),
    worker('dnumcephworker2', '10.10.10.42', ['storage'], [{ device: '/dev/vdb', size: '50Gi' }]),
    worker('dnumcephworker3', '10.10.10.43', ['storage'], [{ device: '/dev/vdb', size: '50Gi' }]),
    worker('dnumminioworker1', '10.10.10.51', ['s3'], [{ device: '/dev/vdb', size: '50Gi' }]),
    worker('dnumminioworker2', '10.10.10.52', ['s3'], [{ device: '/dev/vdb', size: '50Gi' }]),
    worker('dnumminioworker3', '10.10.10.53', ['s3'], [{ device: '/dev/vdb', size: '50Gi' }]),
    worker('dnumminioworker4', '10.10.10.54', ['s3'], [{ device: '/dev/vdb', size: '50Gi' }]),
  ],
  // the runbook's Rook: 3 mons, the dashboard, cert-manager for the admission webhook
  ceph: { certManager: true, toolbox: true },
  bootstrap: { installArgoCd: true },
  // the runbook's kube-prometheus, with the postgres_exporter it ran by hand as a sidecar; one
  // Prometheus for the 2 GB workers, its samples on Ceph so that a restart keeps them
  // the POC's 2 GB workers: kube-prometheus' 400Mi plus the config-reloader the operator adds (50Mi) found no room on
  // them once the platform's other pods were placed (the live verify: prometheus-k8s-0 Pending, Insufficient memory);
  // one Prometheus of this small site's few targets needs far less
  monitoring: {
    prometheus: {
      replicas: 1,
      retention: '7d',
      storage: { size: '10Gi', storageClass: 'rook-ceph-block' },
      resources: { requests: { cpu: '50m', memory: '200Mi' } },
    },
  },
  // the runbook's tenant: 4 servers on the s3 workers, one 50Gi disk each, TLS auto-cert
  minio: { rootCredentialsSecret: 'minio-root', buckets: ['postgres-backups'] },
  postgres: {
    operator: { ui: true },
    backups: { bucket: 'postgres-backups', credentialsSecret: 'postgres-backup-s3' },
    clusters: [
      {
        // manifests/complete-postgres-manifest.yaml as the runbook adapted it
        name: 'acid-test-cluster',
        teamId: 'acid',
        numberOfInstances: 2,
        version: '15',
        volume: { size: '1Gi', storageClass: 'rook-ceph-block' },
        users: { zalando: ['superuser', 'createdb'], foo_user: [] },
        databases: { foo: 'zalando' },
        parameters: { shared_buffers: '32MB', max_connections: '10', log_statement: 'all' },
        resources: { requests: { cpu: '10m', memory: '100Mi' }, limits: { cpu: '500m', memory: '500Mi' } },
      },
    ],
  },
};
