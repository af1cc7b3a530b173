import type { Site, SiteNode } from '../lib/site/model';

/** A larger, air-gapped example site: three control planes on a virtual IP, three Postgres and three Ceph workers (two disks each), four s3 nodes serving the backups from Rook's Ceph object store, pooled clusters, MetalLB load balancers, Kubernetes 1.36 (the current train). */
const node = (name: string, address: string, roles: SiteNode['roles'], disks: number): SiteNode => ({
  name, address, roles, cpu: 4, memory: '16Gi',
  disks: Array.from({ length: disks }, (_, d) => ({ device: `/dev/vd${String.fromCharCode(98 + d)}`, size: '400Gi' })),
});

export const lab: Site = {
  name: 'lab',
  release: 'current',
  // backups go to Rook's Ceph object store (RGW) on the four s3 nodes, the current train's S3 store
  // (docs/ceph-object-store.md): their disks are OSDs of their own device class, apart from the databases' volumes
  s3: { provider: 'ceph-object-store' },
  // Canal (Calico's policy engine on Flannel's network), installed by the operator after kubeadm init, enforces the
  // NetworkPolicies of the Postgres and operator namespaces (docs/security.md#network-policies)
  kubernetes: { version: '1.36.5', controlPlaneEndpoint: '10.20.0.9:6443', vipInterface: 'ens18', podSubnet: '10.244.0.0/16', serviceSubnet: '10.96.0.0/12', cni: 'canal' },
  networkPolicies: {},
  gitops: {
    repoURL: 'https://git.example.org/dnum/pg-platform-gitops.git',
    targetRevision: 'main',
    // ArgoCD is exposed: its users sign in through the lab's OIDC provider, the local admin is off
    sso: {
      url: 'https://argocd.lab.example.org',
      oidc: {
        name: 'Keycloak',
        issuer: 'https://sso.lab.example.org/realms/platform',
        clientID: 'argocd',
        clientSecret: { name: 'argocd-oidc', key: 'clientSecret' },
      },
      adminGroups: ['platform-admins'],
    },
  },
  nodes: [
    // three control planes (stacked etcd) behind the virtual IP 10.20.0.9, which kube-vip announces
    { name: 'lab-cp1', address: '10.20.0.10', roles: ['control-plane'], cpu: 8, memory: '16Gi' },
    { name: 'lab-cp2', address: '10.20.0.11', roles: ['control-plane'], cpu: 8, memory: '16Gi' },
    { name: 'lab-cp3', address: '10.20.0.12', roles: ['control-plane'], cpu: 8, memory: '16Gi' },
    node('lab-pg1', '10.20.0.21', ['postgres'], 0),
    node('lab-pg2', '10.20.0.22', ['postgres'], 0),
    node('lab-pg3', '10.20.0.23', ['postgres'], 0),
    node('lab-ceph1', '10.20.0.31', ['storage'], 2),
    node('lab-ceph2', '10.20.0.32', ['storage'], 2),
    node('lab-ceph3', '10.20.0.33', ['storage'], 2),
    node('lab-s3-1', '10.20.0.41', ['s3'], 1),
    node('lab-s3-2', '10.20.0.42', ['s3'], 1),
    node('lab-s3-3', '10.20.0.43', ['s3'], 1),
    node('lab-s3-4', '10.20.0.44', ['s3'], 1),
  ],
  ceph: {},
  // managed by the ArgoCD of the hub 'converged' (its fleet.rollout, docs/fleet.md), so no ArgoCD of its own
  bootstrap: { installArgoCd: false },
  monitoring: {
    thresholds: { replicationLagSeconds: 30, volumeFreeRatio: 0.2 },
    prometheus: {
      retention: '15d',
      storage: { size: '50Gi', storageClass: 'rook-ceph-block' },
      resources: { requests: { cpu: '500m', memory: '2Gi' }, limits: { cpu: '2', memory: '4Gi' } },
    },
  },
  // MetalLB (L2) hands out 10.20.0.200-219 on the nodes' network: the primary pooler of
  // acid-orders, ArgoCD and Grafana, the UIs for the admins' network only
  loadBalancers: {
    network: '10.20.0.0/24',
    addresses: ['10.20.0.200-10.20.0.219'],
    expose: { argocd: true, grafana: true },
    allowedSourceRanges: ['10.20.0.0/24', '10.99.0.0/24'],
  },
  // air-gapped: images, upstream sources and downloads come from the lab's mirrors (`npm run images -- --site lab --format skopeo`)
  mirrors: { registry: 'registry.lab.example.org:5000/mirror', git: 'https://git.lab.example.org/mirror', http: 'https://mirror.lab.example.org' },
  postgres: {
    // encrypted by WAL-G before upload: the key is the Secret postgres-backup-key in each Postgres namespace
    backups: { bucket: 'postgres-backups', schedule: '30 2 * * *', retain: 7, encryptionKeySecret: 'postgres-backup-key' },
    clusters: [
      {
        name: 'acid-orders',
        teamId: 'acid',
        numberOfInstances: 3,
        version: '17',
        volume: { size: '50Gi', storageClass: 'rook-ceph-block' },
        users: { orders_owner: ['createdb'], orders_app: [] },
        databases: { orders: 'orders_owner' },
        parameters: { max_connections: '200', shared_buffers: '2GB' },
        resources: { requests: { cpu: '1', memory: '4Gi' }, limits: { cpu: '2', memory: '4Gi' } },
        maintenanceWindows: ['Sun:01:00-04:00'],
        // pgbouncer in front of the primary (orders-pooler) and the replicas (orders-pooler-repl),
        // one pod per postgres node; 2 x 80 server connections stay below max_connections
        enableConnectionPooler: true,
        enableReplicaConnectionPooler: true,
        connectionPooler: { numberOfInstances: 3, mode: 'transaction', maxDBConnections: 80 },
        // applications outside the cluster reach the primary's pooler on an address of the pool
        enableMasterPoolerLoadBalancer: true,
        allowedSourceRanges: ['10.30.0.0/16'],
        // Spilo and the poolers serve the certificate of Secret acid-orders-tls (signed by the lab's CA): clients verify-full
        tls: { secretName: 'acid-orders-tls' },
      },
      {
        name: 'acid-analytics',
        teamId: 'acid',
        namespace: 'analytics',
        numberOfInstances: 2,
        version: '17',
        volume: { size: '100Gi', storageClass: 'rook-ceph-block' },
        users: { analyst: [] },
        // reporting jobs open many sessions: page later than the site's 80%
        alerts: { connectionsRatio: 0.95 },
        databases: { warehouse: 'analyst' },
      },
    ],
  },
};
