/**
 * Day-2 operations as one reviewed change to the sources: what to edit, what ArgoCD and the
 * operators then do, how to verify. docs/operations.md is generated from this list with the real
 * `npm run diff` output of each edit (scripts/operations-doc.ts), and a test keeps it fresh.
 */

import { PATRONI_PROMOTION } from '../components/postgres-operator/standby-promotion';

/** A textual edit of one source file; `from` must occur exactly once. */
export interface SourceEdit {
  readonly file: string;
  readonly from: string;
  readonly to: string;
}

export interface Operation {
  readonly id: string;
  /** The example site it is shown on (a TypeScript site under sites/). @default 'poc' */
  readonly site?: string;
  readonly title: string;
  /** Why and when, in a sentence or two. */
  readonly intro: string;
  /** Edits that make the starting point (shown as context, not as the change). @default none */
  readonly setup?: readonly SourceEdit[];
  /** The change a user commits. */
  readonly change: readonly SourceEdit[];
  /** The change must be refused by validation (the output is synth's error). @default false */
  readonly refused?: boolean;
  /** What ArgoCD and the operators do once the change is merged and synced. */
  readonly then: readonly string[];
  /** How to check it worked (commands run against the cluster). */
  readonly verify: readonly string[];
  /**
   * The operations `npm run verify -- --operations` performs for this section on running databases
   * (lib/verify/live/operations.ts), on the site it is shown on. @default none
   */
  readonly provenLive?: readonly string[];
}

const POC = 'sites/poc.ts';
const LAB = 'sites/lab.ts';
const LAB_CP3 = "    { name: 'lab-cp3', address: '10.20.0.12', roles: ['control-plane'], cpu: 8, memory: '16Gi' },\n";
/** etcdctl in a control plane's etcd Pod, with kubeadm's client certificates. */
const ETCDCTL =
  'kubectl -n kube-system exec etcd-lab-cp1 -- etcdctl --endpoints https://127.0.0.1:2379 --cacert /etc/kubernetes/pki/etcd/ca.crt --cert /etc/kubernetes/pki/etcd/server.crt --key /etc/kubernetes/pki/etcd/server.key';
const PG = 'kubectl -n postgres';

export const OPERATIONS: readonly Operation[] = [
  {
    id: 'minor-upgrade',
    title: 'Minor upgrade (new Spilo image)',
    intro:
      "A new Spilo image brings PostgreSQL minor releases and Patroni fixes. Roll it out to one site first with a version override on top of its train (`versions:` in the site); the operator configmap's `docker_image` follows, and no other site changes. Once it is proven, set it in the train (`lib/site/trains/runbook-2023.ts`) and drop the override: every site of the train follows.",
    change: [
      { file: POC, from: "release: 'runbook-2023',", to: "release: 'runbook-2023',\n  versions: { spilo: '3.1-p1' }," },
    ],
    then: [
      'ArgoCD syncs the operator ConfigMap; its checksum annotation on the operator Deployment changes, so the operator restarts and reads the new `docker_image`.',
      "The operator rolls every cluster that uses the default image: replicas first, then a switchover to an up-to-date replica, then the old primary. Expect one short primary change per cluster (seconds of refused writes), as the diff's impact note says.",
    ],
    verify: [
      `${PG} get pods -l application=spilo -L spilo-role -o custom-columns=NAME:.metadata.name,IMAGE:.spec.containers[0].image,ROLE:.metadata.labels.spilo-role`,
      `${PG} exec acid-test-cluster-0 -- patronictl list`,
    ],
  },
  {
    id: 'major-upgrade',
    title: 'Major upgrade (PostgreSQL 14 → 15)',
    intro:
      'The operator runs with `major_version_upgrade_mode: manual`: raising `version` in a cluster is the trigger, and the operator runs `pg_upgrade` in place (Spilo 15 ships the binaries of 10 to 15). Shown on a cluster that runs 14.',
    setup: [{ file: POC, from: "version: '15',", to: "version: '14'," }],
    change: [{ file: POC, from: "version: '14',", to: "version: '15'," }],
    then: [
      "The operator first rolls the pods so they run with the new major's configuration, then runs the in-place upgrade on the primary (`pg_upgrade --link`) and re-creates the replicas from it.",
      'Take a backup first (logical or WAL-G base backup): an in-place upgrade has no way back other than a restore.',
    ],
    verify: [
      `${PG} logs acid-test-cluster-0 | grep -i upgrade`,
      `${PG} exec acid-test-cluster-0 -- psql -U postgres -tc 'show server_version'`,
    ],
  },
  {
    id: 'add-postgres-node',
    title: 'Add a Postgres node',
    intro:
      "A node with the `postgres` role gets the label `postgres-operator=enabled` at join; the clusters' required nodeAffinity selects by that label, so the manifests do not change: only the new node's cloud-init appears.",
    change: [
      {
        file: POC,
        from: "    worker('dnumworker2', '10.10.10.32', ['postgres']),",
        to: "    worker('dnumworker2', '10.10.10.32', ['postgres']),\n    worker('dnumworker3', '10.10.10.33', ['postgres']),",
      },
    ],
    then: [
      'Boot the machine with `npm run host-config -- --site poc --node dnumworker3` (see docs/host-bootstrap.md); it joins with its labels.',
      'Nothing moves by itself: existing Spilo pods stay where they are. The node makes room for one more instance (next section).',
    ],
    verify: ['kubectl get nodes -l postgres-operator=enabled'],
  },
  {
    id: 'scale',
    title: 'Scale a cluster, and what failover looks like',
    intro:
      'Instances are one primary plus streaming replicas; validation refuses more instances than nodes with the `postgres` role (one instance per node). Shown after adding dnumworker3.',
    setup: [
      {
        file: POC,
        from: "    worker('dnumworker2', '10.10.10.32', ['postgres']),",
        to: "    worker('dnumworker2', '10.10.10.32', ['postgres']),\n    worker('dnumworker3', '10.10.10.33', ['postgres']),",
      },
    ],
    change: [{ file: POC, from: 'numberOfInstances: 2,', to: 'numberOfInstances: 3,' }],
    then: [
      'The operator grows the StatefulSet; the new pod bootstraps from the primary (pg_basebackup) and streams. No restart of the others.',
      'Scaling down removes the highest-numbered pod (a replica); its volume stays (the operator does not delete PVCs).',
      'Failover needs no change here: Patroni promotes a replica when the primary is lost (after `ttl`, 30 s by default). A planned switchover: `kubectl -n postgres exec acid-test-cluster-0 -- patronictl switchover --force`.',
    ],
    verify: [`${PG} exec acid-test-cluster-0 -- patronictl list`],
    provenLive: ['scale', 'failover-pod', 'failover-postgres'],
  },
  {
    id: 'point-in-time-recovery',
    title: 'Point-in-time recovery (clone to a timestamp)',
    intro:
      "A dropped table or a bad migration: restore the cluster as it was just before, into a new cluster, from the WAL-G backups in the site's S3 store (MinIO or the Ceph object store: the same steps; on the object store the new cluster is in the source's namespace). The source keeps running; compare, then switch the application over (or copy the rows back). The uid is the source's `metadata.uid`: its backups live under it.",
    change: [
      {
        file: POC,
        from: "        resources: { requests: { cpu: '10m', memory: '100Mi' }, limits: { cpu: '500m', memory: '500Mi' } },\n      },\n",
        to: "        resources: { requests: { cpu: '10m', memory: '100Mi' }, limits: { cpu: '500m', memory: '500Mi' } },\n      },\n      { name: 'acid-test-cluster-pitr', teamId: 'acid', numberOfInstances: 1, version: '15', volume: { size: '1Gi', storageClass: 'rook-ceph-block' }, clone: { cluster: 'acid-test-cluster', uid: '5c4b2a13-7a53-4a8e-9f0f-0123456789ab', timestamp: '2026-11-24T18:00:00+01:00' } },\n",
      },
    ],
    then: [
      'The operator creates `acid-test-cluster-pitr`; Spilo restores the latest base backup before the timestamp from `s3://postgres-backups/spilo/acid-test-cluster/<uid>/wal/15` and replays WAL up to just before it, then starts a new timeline and archives under its own uid.',
      'The timestamp needs an explicit offset (`+01:00`): validation refuses `Z` or none, an unknown source cluster and a site without backups.',
      "When done, remove the entry: the CR is protected from pruning, so delete it on purpose (`kubectl -n postgres delete postgresql acid-test-cluster-pitr` with the operator's delete annotations).",
    ],
    verify: [
      `${PG} logs acid-test-cluster-pitr-0 | grep -iE 'restore|recovery'`,
      `${PG} exec acid-test-cluster-pitr-0 -- psql -U postgres -tc 'select pg_is_in_recovery(), now()'`,
    ],
    provenLive: ['point-in-time-recovery'],
  },
  {
    id: 'promote-standby',
    title: 'Promote a standby cluster of another site (disaster recovery), redirect clients, fail back',
    intro:
      "The site `converged` is lost, or its cluster `acid-main` must move: the POC keeps (starting point) `acid-main` as its standby (`standby: { site: 'converged', cluster: 'acid-main', uid, s3Endpoint, credentialsSecret }`), replaying converged's WAL archive from converged's S3 store. Validation (`npm run check`, the fleet section) holds the pair together: the primary exists and archives WAL, both run the same PostgreSQL major, and the S3 endpoint is an address the primary's site declares. Promotion is removing the standby section: one commit, one way (on the runbook train's operator, after one command in Patroni). The example site `dr` (sites/dr.yaml) keeps such a standby of converged's `acid-main`, and `npm run verify` runs the pair live and promotes it as below (docs/verify.md, \"Cross-site standbys\").",
    setup: [
      {
        file: POC,
        from: "        resources: { requests: { cpu: '10m', memory: '100Mi' }, limits: { cpu: '500m', memory: '500Mi' } },\n      },\n    ],",
        to: "        resources: { requests: { cpu: '10m', memory: '100Mi' }, limits: { cpu: '500m', memory: '500Mi' } },\n      },\n      {\n        // the DR standby of the site converged's acid-main: it replays that cluster's WAL archive from converged's\n        // S3 store, read-only, until promoted (docs/operations.md, \"Promote a standby cluster of another site\")\n        name: 'acid-main', teamId: 'acid', numberOfInstances: 1, volume: { size: '1Gi', storageClass: 'rook-ceph-block' },\n        standby: {\n          site: 'converged',\n          cluster: 'acid-main',\n          uid: '6f1c2a53-8d0e-4b7a-9c61-2f4e5d3b8a90',\n          s3Endpoint: 'http://10.30.0.205',\n          credentialsSecret: 'converged-backups-reader',\n        },\n        version: '15' },\n    ],",
      },
    ],
    change: [
      {
        file: POC,
        from: "        standby: {\n          site: 'converged',\n          cluster: 'acid-main',\n          uid: '6f1c2a53-8d0e-4b7a-9c61-2f4e5d3b8a90',\n          s3Endpoint: 'http://10.30.0.205',\n          credentialsSecret: 'converged-backups-reader',\n        },\n",
        to: '',
      },
    ],
    then: [
      'Before merging, if the primary still runs: stop its writers (scale the applications down, or `ALTER SYSTEM SET default_transaction_read_only = on` and a reload on the primary), write a marker row, then archive its WAL segment at once (`select pg_switch_wal()` on the primary once the row is committed, not in its transaction: the standby reads archived segments only, and Spilo sets `archive_timeout` to 30 minutes), and wait until the standby shows it (`select * from marker` on the standby): nothing written after the marker is lost. If the primary site is gone, the standby has everything up to the last archived WAL segment (`archive_timeout` bounds the loss).',
      `On the POC's postgres-operator v1.9.0 (the runbook train) the merge alone does not promote: that operator never touches Patroni's \`standby_cluster\` configuration (its docs/user.md: promotion "has to be done manually using patronictl edit-config"). Promote in Patroni first, in the standby leader's pod: \`${PG} exec acid-main-0 -- ${PATRONI_PROMOTION.join(' ')}\`; Patroni promotes it at once to a writable primary on a new timeline. Then merge the change, so that the manifest says what runs: ArgoCD syncs the CR without its standby section, the operator removes the \`STANDBY_*\` environment (a rolling restart of the pods) and the cluster stays the primary. From operator v1.11.0 (the current train) the merge is the whole promotion: after that rolling restart the operator removes \`standby_cluster\` from Patroni's configuration itself (zalando/postgres-operator#2472). The POC's WAL-G settings then archive it into the POC's own S3 store, under its own uid.`,
      "Redirect the clients: point their DNS name (or connection string) at the POC cluster: its Service `acid-main` in namespace `postgres`, or its load balancer address where the site exposes one (`enableMasterLoadBalancer`). The credentials are the primary's, replicated with the data (the POC's operator Secrets of `acid-main` still hold its own: copy the primary's passwords into them, or reset the roles' passwords to the Secrets' with `ALTER ROLE`).",
      "Fail back, once `converged` is up again: its `acid-main` is now the stale side and must not take writes. Rebuild it as the new standby: delete its postgresql (it is protected from pruning, so on purpose, with the operator's delete annotations) and its volumes, then commit on converged the same cluster with `standby: { site: 'poc', cluster: 'acid-main', uid: <the POC cluster's metadata.uid>, s3Endpoint: <the POC's S3 store as converged reaches it>, credentialsSecret: ... }`; it bootstraps from the POC's archive. To move the primary back, promote it the same way and rebuild the POC's as standby again.",
      'Adding a standby section to a running cluster does not make it follow anything (the operator only turns it read-only): `npm run diff` says so; always rebuild.',
    ],
    verify: [
      `${PG} exec acid-main-0 -- psql -U postgres -tc 'select pg_is_in_recovery()'  # f once promoted`,
      `${PG} exec acid-main-0 -- patronictl list  # Leader, no Standby Leader`,
      `${PG} get postgresql acid-main -o jsonpath='{.metadata.uid}'  # the uid the new standby names`,
    ],
  },
  {
    id: 'connection-pooler',
    title: 'Add a connection pooler (pgbouncer), and client connection strings',
    intro:
      "Many short-lived client connections (web workers, serverless jobs) exhaust `max_connections` (10 on the POC). The operator's pooler is a pgbouncer Deployment in front of the primary (`enableConnectionPooler`) and/or the replicas (`enableReplicaConnectionPooler`), with the image of the catalog (`connection_pooler_image`). Its pods get the cluster's nodeAffinity and one node each, so `numberOfInstances` (at least 2) is validated against the postgres nodes, and `maxDBConnections` (the server connections of the whole pooler) against `max_connections`.",
    change: [
      {
        file: POC,
        from: "        resources: { requests: { cpu: '10m', memory: '100Mi' }, limits: { cpu: '500m', memory: '500Mi' } },\n",
        to: "        resources: { requests: { cpu: '10m', memory: '100Mi' }, limits: { cpu: '500m', memory: '500Mi' } },\n        enableConnectionPooler: true, connectionPooler: { numberOfInstances: 2, mode: 'transaction', maxDBConnections: 6, resources: { requests: { cpu: '50m', memory: '32Mi' }, limits: { cpu: '250m', memory: '64Mi' } } },\n",
      },
    ],
    then: [
      'The operator creates the `pooler` role and a `pooler` schema with its lookup function in each database, then Deployment and Service `acid-test-cluster-pooler` (2 pgbouncer pods, one per postgres node). The Spilo pods do not restart.',
      "Clients inside the cluster connect to the pooler instead of the cluster: `postgresql://zalando@acid-test-cluster-pooler.postgres.svc:5432/foo` (the primary, through pgbouncer; the password in `PGPASSWORD`, never in the URL); without the pooler, `acid-test-cluster.postgres.svc:5432` (primary) and `acid-test-cluster-repl.postgres.svc:5432` (replicas); with `enableReplicaConnectionPooler`, `acid-test-cluster-pooler-repl.postgres.svc:5432`. The password is in the operator's Secret: `kubectl -n postgres get secret zalando.acid-test-cluster.credentials.postgresql.acid.zalan.do -o jsonpath={.data.password} | base64 -d`.",
      'Transaction mode hands a server connection to a client for one transaction only: session state (`SET`, session-level prepared statements, advisory locks, `LISTEN`) does not survive between transactions; use `mode: session` for such clients.',
      'pgbouncer exposes no Prometheus metrics by itself and the operator adds no exporter to the pooler pods: the pooler is not scraped (docs/monitoring.md); the Spilo exporter still shows the server connections it opens.',
    ],
    verify: [
      `${PG} get deploy,svc acid-test-cluster-pooler`,
      `${PG} exec -it acid-test-cluster-0 -- psql 'postgresql://zalando@acid-test-cluster-pooler:5432/foo' -c 'select inet_server_addr()'   # asks for the password; answers with the primary's pod address`,
    ],
  },
  {
    id: 'load-balancer',
    title: 'Reach a cluster from outside on a load-balanced address (MetalLB)',
    intro:
      "The site gives MetalLB an address pool on the nodes' network (`loadBalancers`, here as the starting point, with ArgoCD exposed: the runbook's `EXTERNAL-IP <pending>` fixed, behind single sign-on as synth requires); a cluster then asks the operator for a LoadBalancer Service with its own field, and names the client networks that may connect (required: the operator turns an empty list into 127.0.0.1/32). See docs/load-balancers.md.",
    setup: [
      {
        file: POC,
        from: '  bootstrap: { installArgoCd: true },\n',
        to: "  bootstrap: { installArgoCd: true },\n  loadBalancers: { network: '10.10.10.0/24', addresses: ['10.10.10.200-10.10.10.209'], expose: { argocd: true } },\n",
      },
      {
        file: POC,
        from: "targetRevision: 'poc-argocd' },\n",
        to: "targetRevision: 'poc-argocd',\n    sso: { url: 'https://argocd.poc.example.org', oidc: { name: 'Keycloak', issuer: 'https://sso.example.org/realms/platform', clientID: 'argocd', clientSecret: { name: 'argocd-oidc', key: 'clientSecret' } }, adminGroups: ['platform-admins'] } },\n",
      },
    ],
    change: [
      {
        file: POC,
        from: "        resources: { requests: { cpu: '10m', memory: '100Mi' }, limits: { cpu: '500m', memory: '500Mi' } },\n",
        to: "        resources: { requests: { cpu: '10m', memory: '100Mi' }, limits: { cpu: '500m', memory: '500Mi' } },\n        enableMasterLoadBalancer: true, allowedSourceRanges: ['10.10.20.0/24'],\n",
      },
    ],
    then: [
      "The operator turns Service `postgres/acid-test-cluster` (the primary) into a LoadBalancer with `loadBalancerSourceRanges: [10.10.20.0/24]`; MetalLB assigns it an address of the pool and one node's speaker answers ARP for it. A failover moves the Service's endpoint, not its address.",
      'Clients on 10.10.20.0/24 connect with `postgresql://zalando@<EXTERNAL-IP>:5432/foo` (the password in `PGPASSWORD`); with `enableMasterPoolerLoadBalancer` they go through the pooler instead.',
    ],
    verify: [
      `${PG} get svc acid-test-cluster -o jsonpath='{.status.loadBalancer.ingress[0].ip}'`,
      'kubectl -n argocd get svc argocd-server-external   # the ArgoCD UI: https://<EXTERNAL-IP>/',
    ],
  },
  {
    id: 'replace-control-plane',
    site: 'lab',
    title: 'Replace a control-plane node behind the kube-vip virtual IP',
    intro:
      'lab runs three control planes with stacked etcd behind the virtual IP 10.20.0.9, which kube-vip (a static Pod on each) announces from its elected leader. A control plane is replaced by removing the old member first, then joining the new one, as etcd advises for a failed member (adding first to a cluster with a dead member raises the quorum to 3 of 4): the model accepts only an odd number of stacked etcd members (next section). Until the new one has joined, two members remain and tolerate no further failure: keep that window short. Here `lab-cp3` (10.20.0.12) gives way to `lab-cp4` (10.20.0.13).',
    change: [
      {
        file: LAB,
        from: LAB_CP3,
        to: "    { name: 'lab-cp4', address: '10.20.0.13', roles: ['control-plane'], cpu: 8, memory: '16Gi' },\n",
      },
    ],
    then: [
      "Before booting the new node, remove the old member. If `lab-cp3` still runs: `kubectl drain lab-cp3 --ignore-daemonsets --delete-emptydir-data`, then on it `kubeadm reset -f` (it removes its own etcd member and its API server endpoint), then `kubectl delete node lab-cp3`. If it is dead: find its ID with `etcdctl member list` (command below), `etcdctl member remove <ID>`, then `kubectl delete node lab-cp3`. The API stays up on the virtual IP throughout: if lab-cp3 was kube-vip's leader, another control plane takes the address within seconds.",
      'The control-plane certificates that joins download were uploaded by `kubeadm init --upload-certs` and expire after 2 hours: upload them again on a running control plane with the same key, and make a new bootstrap token: `kubeadm init phase upload-certs --upload-certs --certificate-key "$KUBEADM_CERTIFICATE_KEY"` and `kubeadm token create` on lab-cp1 (a new key from `kubeadm certs certificate-key` works as well, given to both commands).',
      "Fill and boot the new node: `npm run host-config -- --site lab --node lab-cp4` (it needs `KUBEADM_TOKEN`, `KUBEADM_CA_CERT_HASH`, `KUBEADM_CERTIFICATE_KEY` and the site's `KUBEADM_ENCRYPTION_KEY`, the one every control plane has: its API server must read the Secrets the others encrypted). Its cloud-init runs `kubeadm join --config` with `JoinConfiguration.controlPlane` (its own advertise address, `certificateKey` from the placeholder): the same as `kubeadm join 10.20.0.9:6443 --control-plane --certificate-key <key> --token <token> --discovery-token-ca-cert-hash <hash>`. kubeadm adds its etcd member (three again), then the cloud-init installs the kube-vip static Pod, which joins the leader election.",
      "In dist/, only the NetworkPolicies that let the Spilo pods and the operator reach the API server change (they name the control planes' addresses, docs/security.md#network-policies): merge and sync them before the new node joins, so that its API server is reachable from them; the host-bootstrap diff adds lab-cp4's cloud-init and removes lab-cp3's.",
    ],
    verify: [
      `${ETCDCTL} member list -w table   # three members, lab-cp4 among them, all started`,
      'kubectl get nodes -l node-role.kubernetes.io/control-plane',
      'kubectl -n kube-system get pods -o wide | grep kube-vip   # one per control plane',
      'curl -sk https://10.20.0.9:6443/healthz   # ok: the virtual IP answers',
    ],
  },
  {
    id: 'even-control-planes',
    site: 'lab',
    title: 'A fourth control plane (an even number of etcd members), refused',
    intro:
      'Each control plane of a kubeadm cluster runs a stacked etcd member, and etcd commits a write only with a quorum of n/2+1 members: 3 members tolerate 1 failure, 4 still tolerate only 1 (their quorum is 3) while offering one more node to fail, and a network split 2/2 stops both halves. So the model refuses an even count: grow from 3 to 5 in one change (two nodes), one join at a time.',
    change: [
      {
        file: LAB,
        from: LAB_CP3,
        to: `${LAB_CP3}    { name: 'lab-cp4', address: '10.20.0.13', roles: ['control-plane'], cpu: 8, memory: '16Gi' },\n`,
      },
    ],
    refused: true,
    then: [
      'Nothing: synth exits non-zero and nothing is written. Add lab-cp4 and lab-cp5 together, then join them one after the other as in the previous section (uploaded certificates and a token first).',
    ],
    verify: [],
  },
  {
    id: 'add-storage-node',
    title: 'Add a storage node (Ceph OSD)',
    intro:
      'A node with the `storage` role and a raw disk joins with the `role=storage-node` label and taint, and the CephCluster lists its disk: Rook creates the OSD.',
    change: [
      {
        file: POC,
        from: "    worker('dnumcephworker3', '10.10.10.43', ['storage'], [{ device: '/dev/vdb', size: '50Gi' }]),\n",
        to: "    worker('dnumcephworker3', '10.10.10.43', ['storage'], [{ device: '/dev/vdb', size: '50Gi' }]),\n    worker('dnumcephworker4', '10.10.10.44', ['storage'], [{ device: '/dev/vdb', size: '50Gi' }]),\n",
      },
    ],
    then: [
      'Boot the node with its cloud-init (`npm run host-config -- --site poc --node dnumcephworker4`); Rook prepares `/dev/vdb` (it must be empty) and starts the OSD.',
      'Ceph rebalances placement groups onto the new OSD: heavy I/O for a while, as the impact note says. Mons stay at 3.',
    ],
    verify: [
      'kubectl -n rook-ceph exec deploy/rook-ceph-tools -- ceph osd tree',
      'kubectl -n rook-ceph exec deploy/rook-ceph-tools -- ceph status',
    ],
  },
  {
    id: 'add-s3-pool',
    title: 'Add an s3 node (a new MinIO pool)',
    intro:
      'MinIO never resizes a server pool (the diff marks an s3 node added to `pool-0` as refused): capacity grows by a new pool, here one new node with four disks (a pool needs at least 4 drives).',
    change: [
      {
        file: POC,
        from: "    worker('dnumminioworker4', '10.10.10.54', ['s3'], [{ device: '/dev/vdb', size: '50Gi' }]),\n",
        to: "    worker('dnumminioworker4', '10.10.10.54', ['s3'], [{ device: '/dev/vdb', size: '50Gi' }]),\n    worker('dnumminioworker5', '10.10.10.55', ['s3'], ['/dev/vdb', '/dev/vdc', '/dev/vdd', '/dev/vde'].map((device) => ({ device, size: '50Gi' }))),\n",
      },
      {
        file: POC,
        from: "  minio: { rootCredentialsSecret: 'minio-root', buckets: ['postgres-backups'] },",
        to: "  minio: { rootCredentialsSecret: 'minio-root', buckets: ['postgres-backups'], pools: [{ name: 'pool-0', nodes: ['dnumminioworker1', 'dnumminioworker2', 'dnumminioworker3', 'dnumminioworker4'] }, { name: 'pool-1', nodes: ['dnumminioworker5'] }] },",
      },
    ],
    then: [
      "Boot the node; the operator adds the pool's StatefulSet and restarts the servers with the new topology. New objects favour the emptier pool; existing ones stay.",
    ],
    verify: [
      "kubectl -n minio get tenant minio -o jsonpath='{.status.currentState}'",
      'kubectl -n minio get pods -L v1.min.io/pool',
    ],
  },
  {
    id: 'tune-alert',
    title: 'Tune an alert for one cluster',
    intro:
      'Alert thresholds are typed: the site sets them for every cluster (`monitoring.thresholds`), a cluster overrides them field by field (`alerts`). Here the POC cluster, whose `max_connections` is 10, pages at 90% of its connections rather than 80%.',
    change: [
      {
        file: POC,
        from: "        resources: { requests: { cpu: '10m', memory: '100Mi' }, limits: { cpu: '500m', memory: '500Mi' } },\n",
        to: "        resources: { requests: { cpu: '10m', memory: '100Mi' }, limits: { cpu: '500m', memory: '500Mi' } },\n        alerts: { connectionsRatio: 0.9 },\n",
      },
    ],
    then: [
      'ArgoCD syncs the PrometheusRule; the Prometheus operator reloads the rules of Prometheus within a minute. No pod restarts.',
    ],
    verify: [
      `${PG} get prometheusrule postgres-acid-test-cluster -o jsonpath='{.spec.groups[0].rules[?(@.alert=="PostgresConnectionsNearMax")].expr}'`,
      'kubectl -n monitoring port-forward svc/prometheus-k8s 9090   # then http://localhost:9090/alerts',
    ],
  },
  {
    id: 'kubernetes-upgrade',
    title: 'Kubernetes minor upgrade (control plane first)',
    intro:
      "A kubelet may be older than the API server, never newer: upgrade the control plane, then the workers. The site's `kubernetes.version` moves every node's cloud-init (new packages repository and pins) and the schemas the output is validated against.",
    change: [{ file: POC, from: "version: '1.26.2'", to: "version: '1.27.3'" }],
    then: [
      "cloud-init runs at first boot only: running nodes are upgraded with kubeadm, in the order and with the commands of the plan `npm run diff` ends with (above): each node's pkgs.k8s.io source moves to the 1.27 repository, debian-cp applies the new version with its kubeadm patches (which bind its scheduler and controller manager to its own address, docs/security.md#control-plane), then each worker, drained one at a time (Postgres nodes replicas first).",
      'New or re-provisioned nodes get 1.27.3 from the regenerated cloud-init.',
    ],
    verify: ['kubectl get nodes -o wide'],
  },
  {
    id: 'kubernetes-patch',
    title: 'Kubernetes patch release on one site',
    intro:
      "A patch release (1.26.2 → 1.26.5) fixes bugs and CVEs within the minor. One site takes it first without editing the shared train: `kubernetes.packageVersion` names the pkgs.k8s.io Debian version of kubelet, kubeadm and kubectl for that release (check it with `apt-cache madison kubeadm`). Synth refuses a minor the train does not serve and a version outside pkgs.k8s.io's `<release>-<n>.<m>` scheme. Once proven, pin it in the train (`kubernetesPackages`) and drop `packageVersion`.",
    change: [{ file: POC, from: "version: '1.26.2',", to: "version: '1.26.5', packageVersion: '1.26.5-1.1'," }],
    then: [
      "cloud-init runs at first boot only: running nodes are upgraded with kubeadm in the order the diff's plan prints, which a patch release follows as a minor one does. New or re-provisioned nodes get 1.26.5 from the regenerated cloud-init.",
    ],
    verify: ['kubectl get nodes -o wide', 'kubectl version'],
  },
  {
    id: 'kubelet-skew',
    title: 'The skew rule, enforced',
    intro:
      "The runbook's MinIO workers ran kubelet 1.27.2 against a 1.26 control plane. The model refuses it: a worker pinned newer than the control plane fails synth, and nothing is written.",
    change: [
      {
        file: POC,
        from: "    worker('dnumworker1', '10.10.10.31', ['postgres']),",
        to: "    { ...worker('dnumworker1', '10.10.10.31', ['postgres']), kubeletVersion: '1.27.3' },",
      },
    ],
    refused: true,
    then: [
      'Nothing: synth exits non-zero and dist/ and host-bootstrap/ are untouched. Upgrade `kubernetes.version` first (previous section).',
    ],
    verify: [],
  },
  {
    id: 'train-guard',
    title: 'PostgreSQL 16 on the runbook train, refused',
    intro:
      "Each train declares what its components support, with upstream's source (lib/site/trains/). postgres-operator v1.9.0's postgresql CRD accepts 10 to 15: PostgreSQL 16 is refused with that source, before anything renders.",
    change: [{ file: POC, from: "version: '15',", to: "version: '16'," }],
    refused: true,
    then: [
      'Nothing: synth exits non-zero and nothing is written. PostgreSQL 16 needs a train whose operator supports it (postgres-operator v2.0.1 supports 14 to 18): see "Move a site to the next train".',
    ],
    verify: [],
  },
];
