import { SITE_SCHEMA_FILE } from '../site/json-schema';
import { TRAINS, TRAIN_NAMES } from '../site/trains';

/** The newest train: what a new site starts on. */
export const NEWEST_TRAIN = TRAIN_NAMES[TRAIN_NAMES.length - 1];

/** The current trains' S3 store (Rook's object store) runs on s3 nodes, whose disks are OSDs of their own. */
const objectStoreNodes = (name: string) =>
  [1, 2, 3]
    .map(
      (i) =>
        `  - { name: ${name}-s3-${i}, address: 10.0.0.4${i}, roles: [s3], cpu: 4, memory: 8Gi, disks: [{ device: /dev/vdb, size: 200Gi }] }\n`,
    )
    .join('');

const minioNodes = (
  name: string,
) => `  # MinIO servers: role s3, at least 4 drives in all (e.g. 4 nodes with one disk each)
  # - { name: ${name}-s3-1, address: 10.0.0.41, roles: [s3], cpu: 4, memory: 8Gi, disks: [{ device: /dev/vdb, size: 200Gi }] }
`;

/**
 * The starting point `npm run new-site -- <name>` writes to sites/<name>.yaml: a small valid site
 * (one control plane, two Postgres workers, three Ceph workers) that synthesizes as is, with the
 * optional sections commented out. The addresses are placeholders to replace with the site's own.
 */
export function newSiteYaml(name: string, release: string = NEWEST_TRAIN): string {
  const train = TRAINS[release];
  const kubernetes = Object.keys(train.versions.kubernetesPackages).at(-1)!;
  return `# yaml-language-server: $schema=../${SITE_SCHEMA_FILE}
# Site '${name}': \`npm run synth -- --site ${name}\` renders dist/${name}/, host-bootstrap/${name}/ and
# docs/sites/${name}/. Every key is described in ${SITE_SCHEMA_FILE} (editors complete and check it);
# a misspelt key or a wrong type is refused with its path before anything is written.
name: ${name}
release: ${release.padEnd(30)} # the release train (lib/site/trains/): its versions and what they support
# versions: { spilo: 3.0-p2 }         # single versions over the train's, for this site only

kubernetes:
  version: ${kubernetes.padEnd(28)} # a version with pinned schemas and packages (lib/site/trains/${release}.ts)
  controlPlaneEndpoint: 10.0.0.10:6443 # the control-plane node's address (or a load-balanced VIP with 3 control planes)
  podSubnet: 10.244.0.0/16             # Flannel's default
  # serviceSubnet: 10.96.0.0/12

gitops:
  repoURL: https://git.example.org/platform/pg-platform-gitops.git  # your clone of this repository
  targetRevision: main                 # the branch ArgoCD tracks

nodes:
  - { name: ${name}-cp1, address: 10.0.0.10, roles: [control-plane], cpu: 4, memory: 8Gi }
  - { name: ${name}-pg1, address: 10.0.0.21, roles: [postgres], cpu: 4, memory: 8Gi }
  - { name: ${name}-pg2, address: 10.0.0.22, roles: [postgres], cpu: 4, memory: 8Gi }
  - { name: ${name}-ceph1, address: 10.0.0.31, roles: [storage], cpu: 4, memory: 8Gi, disks: [{ device: /dev/vdb, size: 100Gi }] }
  - { name: ${name}-ceph2, address: 10.0.0.32, roles: [storage], cpu: 4, memory: 8Gi, disks: [{ device: /dev/vdb, size: 100Gi }] }
  - { name: ${name}-ceph3, address: 10.0.0.33, roles: [storage], cpu: 4, memory: 8Gi, disks: [{ device: /dev/vdb, size: 100Gi }] }
${train.s3Provider === 'ceph-object-store' ? objectStoreNodes(name) : minioNodes(name)}
ceph: {}                               # Rook Ceph on the storage nodes: StorageClass rook-ceph-block

# monitoring: {}                       # kube-prometheus, postgres_exporter, alerts, a Grafana dashboard
# minio: { rootCredentialsSecret: minio-root, buckets: [postgres-backups] }

postgres:
  # backups: { bucket: postgres-backups }   # needs an S3 store: minio (runbook-2023) or s3 nodes (current: the Ceph object store)
  clusters:
    - name: acid-main                  # <teamId>-<name>
      teamId: acid
      numberOfInstances: 2             # at most the nodes with role postgres
      version: "${train.versions.spiloMajor}"${' '.repeat(Math.max(1, 20 - train.versions.spiloMajor.length))}# a string: quote it
      volume: { size: 10Gi, storageClass: rook-ceph-block }
      users: { app_owner: [createdb], app: [] }
      databases: { app: app_owner }
`;
}
