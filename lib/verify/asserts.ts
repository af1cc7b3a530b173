import { asArray, asRecord } from '../core/records';
import { groupKind, type KubeObject } from '../core/objects';
import { poolerName } from '../site/postgres-names';
import { S3_DEVICE_CLASS } from '../site/object-store';
import { roleLabel } from '../site/roles';
import type { NodeRole } from '../site/model';
import { poolerRoles, type PoolerRole } from './database';
import type { Kube } from './kube';
import { spiloLabels } from './operator';
import type { PodResult } from './placement';
import { PROBE_LABEL, type Probe } from './probes';

/** One runbook fact checked on the live objects. */
export interface Assertion {
  readonly ok: boolean;
  readonly what: string;
  /** What was found instead, when not ok. */
  readonly detail?: string;
}

type Role = Exclude<NodeRole, 'control-plane'>;
/** The node role the pods of each operator-run custom resource belong on. */
const PROBE_ROLES: Readonly<Record<string, Role>> = {
  'ceph.rook.io/CephCluster': 'storage',
  'ceph.rook.io/CephObjectStore': 's3',
  'minio.min.io/Tenant': 's3',
};

/**
 * The roles a probe's pods belong on: the OSDs of s3 nodes (device class s3, the object store's) are the CephCluster's
 * too.
 */
function probeRoles(probe: Probe): Role[] {
  const role = PROBE_ROLES[groupKind(probe.from.obj)];
  if (!role) return [];
  const nodes = asArray(asRecord(asRecord(probe.from.obj.spec).storage).nodes).map(asRecord);
  const s3Osds = nodes.some((n) => asRecord(n.config).deviceClass === S3_DEVICE_CLASS);
  return probe.label === 'Ceph OSDs' && s3Osds ? [role, 's3'] : [role];
}

function onRole(
  what: string,
  pods: readonly PodResult[],
  roles: readonly Role[],
  nodes: readonly KubeObject[],
): Assertion {
  const labels = roles.map(roleLabel);
  const wrong = pods.filter(
    (p) =>
      p.node &&
      !labels.some((l) => nodes.find((n) => n.metadata.name === p.node)?.metadata.labels?.[l.key] === l.value),
  );
  const placed = pods.filter((p) => p.node).length;
  return {
    ok: wrong.length === 0 && placed > 0,
    what: `${what} only on ${labels.map((l) => `${l.key}=${l.value}`).join(' or ')} nodes (${placed} placed)`,
    ...(wrong.length
      ? { detail: wrong.map((p) => `${p.pod} on ${p.node}`).join(', ') }
      : placed === 0
        ? { detail: 'no pod was placed' }
        : {}),
  };
}

/**
 * Spilo pods on the postgres nodes; Ceph and MinIO probes on the storage and s3 nodes (RGW and the object store's OSDs
 * on s3 nodes).
 */
export function placementAssertions(
  pods: readonly PodResult[],
  probes: readonly Probe[],
  config: Record<string, string>,
  nodes: readonly KubeObject[],
): Assertion[] {
  const { key, value } = spiloLabels(config).app;
  const spilo = pods.filter((p) => p.labels[key] === value);
  const byRole = probes.flatMap((probe) => {
    const roles = probeRoles(probe);
    const group = probe.pods[0]?.metadata.labels?.[PROBE_LABEL];
    return roles.length && group
      ? [
          onRole(
            `${probe.label} (probes of ${probe.from.obj.kind} ${probe.from.obj.metadata.namespace}/${probe.from.obj.metadata.name})`,
            pods.filter((p) => p.labels[PROBE_LABEL] === group),
            roles,
            nodes,
          ),
        ]
      : [];
  });
  return [...(spilo.length ? [onRole('Spilo pods', spilo, ['postgres'], nodes)] : []), ...byRole];
}

/**
 * The pgbouncer pods of each pooler on the postgres nodes, one per node: the operator gives them the
 * cluster's nodeAffinity and tolerations, and with enable_pod_antiaffinity a required anti-affinity on
 * the hostname (connection_pooler.go generateConnectionPoolerPodTemplate).
 */
export function poolerPlacementAssertions(
  pods: readonly PodResult[],
  clusters: readonly KubeObject[],
  config: Record<string, string>,
  nodes: readonly KubeObject[],
): Assertion[] {
  return clusters.flatMap((c) =>
    poolerRoles(c).map((role) => {
      const name = poolerName(c.metadata.name, role);
      const mine = pods.filter(
        (p) => p.labels['connection-pooler'] === name && p.pod.startsWith(`${c.metadata.namespace}/`),
      );
      const placed = onRole(`pgbouncer pods of Deployment ${c.metadata.namespace}/${name}`, mine, ['postgres'], nodes);
      if (config.enable_pod_antiaffinity !== 'true') return placed;
      const hosts = mine.filter((p) => p.node).map((p) => p.node);
      const shared = hosts.length !== new Set(hosts).size;
      return {
        ...placed,
        ok: placed.ok && !shared,
        what: `${placed.what.replace(' nodes (', ' nodes, one per node (')}`,
        ...(shared && placed.ok ? { detail: `two on one node: ${hosts.join(', ')}` } : {}),
      };
    }),
  );
}

const equal = (what: string, found: unknown, wanted: unknown): Assertion => ({
  ok: found === wanted,
  what: `${what} is ${String(wanted)}`,
  ...(found === wanted ? {} : { detail: `found ${found === undefined ? 'nothing' : String(found)}` }),
});
const flag = (v: unknown) => v === true || v === 'true';

/**
 * What a Service of the operator must be: a LoadBalancer when the cluster (or else the operator's
 * configuration) asks for one, then open to `allowedSourceRanges` only, 127.0.0.1/32 when it lists
 * none (k8sres.go configureLoadBalanceService); ClusterIP otherwise.
 */
function serviceAssertions(
  at: string,
  live: Record<string, unknown> | undefined,
  loadBalancer: boolean,
  ranges: readonly string[],
): Assertion[] {
  if (!live) return [{ ok: false, what: `${at} exists`, detail: 'the operator did not create it' }];
  const spec = asRecord(live.spec);
  const type = equal(`${at} type`, spec.type, loadBalancer ? 'LoadBalancer' : 'ClusterIP');
  if (!loadBalancer) return [type];
  const wanted = ranges.length ? ranges.join(', ') : '127.0.0.1/32';
  return [type, equal(`${at} loadBalancerSourceRanges`, asArray(spec.loadBalancerSourceRanges).join(', '), wanted)];
}

const LB_FIELDS: Readonly<Record<PoolerRole, { cluster: [string, string]; pooler: [string, string] }>> = {
  master: {
    cluster: ['enableMasterLoadBalancer', 'enable_master_load_balancer'],
    pooler: ['enableMasterPoolerLoadBalancer', 'enable_master_pooler_load_balancer'],
  },
  replica: {
    cluster: ['enableReplicaLoadBalancer', 'enable_replica_load_balancer'],
    pooler: ['enableReplicaPoolerLoadBalancer', 'enable_replica_pooler_load_balancer'],
  },
};

/**
 * Each cluster's Services (load balancer or not, as asked) and its connection poolers: the
 * Deployment of each pooler the cluster enables, running `image` (the catalog's pgbouncer, as the
 * site pulls it) with the instances asked (at least the operator's minimum, 2), and its Service.
 */
export async function serviceAndPoolerAssertions(
  kube: Kube,
  clusters: readonly KubeObject[],
  config: Record<string, string>,
  image: string,
): Promise<Assertion[]> {
  const out: Assertion[] = [];
  for (const c of clusters) {
    const spec = asRecord(c.spec);
    const ns = c.metadata.namespace;
    const ranges = asArray(spec.allowedSourceRanges).map(String);
    const wants = ([field, setting]: [string, string]) => flag(spec[field] ?? config[setting]);
    for (const role of ['master', 'replica'] as const) {
      const name = `${c.metadata.name}${role === 'replica' ? '-repl' : ''}`;
      out.push(
        ...serviceAssertions(
          `Service ${ns}/${name}`,
          await kube.get(`/api/v1/namespaces/${ns}/services/${name}`),
          wants(LB_FIELDS[role].cluster),
          ranges,
        ),
      );
    }
    for (const role of poolerRoles(c)) {
      const name = poolerName(c.metadata.name, role);
      const at = `pooler Deployment ${ns}/${name}`;
      const deployment = await kube.get(`/apis/apps/v1/namespaces/${ns}/deployments/${name}`);
      if (!deployment) {
        out.push({ ok: false, what: `${at} exists`, detail: 'the operator did not create it' });
      } else {
        const containers = asArray(asRecord(asRecord(asRecord(deployment.spec).template).spec).containers).map(
          asRecord,
        );
        const asked = Number(
          asRecord(spec.connectionPooler).numberOfInstances ?? config.connection_pooler_number_of_instances ?? 2,
        );
        out.push(
          equal(`${at} pgbouncer image (the catalog's)`, containers.map((x) => x.image).join(', '), image),
          equal(`${at} replicas`, asRecord(deployment.spec).replicas, Math.max(asked, 2)),
        );
      }
      out.push(
        ...serviceAssertions(
          `pooler Service ${ns}/${name}`,
          await kube.get(`/api/v1/namespaces/${ns}/services/${name}`),
          wants(LB_FIELDS[role].pooler),
          ranges,
        ),
      );
    }
  }
  return out;
}

/** The operator's StatefulSet of each cluster: Spilo's uid/gid/fsGroup and the ConfigMap's docker_image. */
export async function statefulSetAssertions(
  kube: Kube,
  clusters: readonly KubeObject[],
  config: Record<string, string>,
): Promise<Assertion[]> {
  const out: Assertion[] = [];
  for (const c of clusters) {
    const spec = asRecord(c.spec);
    const at = `StatefulSet ${c.metadata.namespace}/${c.metadata.name}`;
    const live = await kube.get(`/apis/apps/v1/namespaces/${c.metadata.namespace}/statefulsets/${c.metadata.name}`);
    if (!live) {
      out.push({ ok: false, what: `${at} exists`, detail: 'the operator did not create it' });
      continue;
    }
    const pod = asRecord(asRecord(asRecord(live.spec).template).spec);
    const security = asRecord(pod.securityContext);
    const postgres = asArray(pod.containers)
      .map(asRecord)
      .find((x) => x.name === 'postgres');
    const int = (v: unknown) => (v === undefined ? undefined : Number(v));
    out.push(
      equal(`${at} runAsUser`, security.runAsUser, int(spec.spiloRunAsUser ?? config.spilo_runasuser)),
      equal(`${at} runAsGroup`, security.runAsGroup, int(spec.spiloRunAsGroup ?? config.spilo_runasgroup)),
      equal(`${at} fsGroup`, security.fsGroup, int(spec.spiloFSGroup ?? config.spilo_fsgroup)),
      equal(`${at} postgres image (docker_image)`, postgres?.image, spec.dockerImage ?? config.docker_image),
    );
  }
  return out;
}

/**
 * Each cluster's StatefulSet asks for `numberOfInstances` pods and they run on as many distinct
 * nodes (the operator's anti-affinity), or the scheduler says why one cannot be placed.
 */
export async function instanceAssertions(
  kube: Kube,
  clusters: readonly KubeObject[],
  pods: readonly PodResult[],
): Promise<Assertion[]> {
  const out: Assertion[] = [];
  for (const c of clusters) {
    const spec = asRecord(c.spec);
    const wanted = typeof spec.numberOfInstances === 'number' ? spec.numberOfInstances : 1;
    const at = `StatefulSet ${c.metadata.namespace}/${c.metadata.name}`;
    const live = await kube.get(`/apis/apps/v1/namespaces/${c.metadata.namespace}/statefulsets/${c.metadata.name}`);
    const replicas = asRecord(live?.spec).replicas;
    const own = pods.filter((p) => p.owner === at);
    const nodes = [...new Set(own.flatMap((p) => (p.node ? [p.node] : [])))].sort();
    const refused = own.filter((p) => !p.node).map((p) => `${p.pod}: ${p.reason ?? 'not scheduled yet'}`);
    const ok = replicas === wanted && own.length === wanted && nodes.length === wanted;
    out.push({
      ok,
      what: `${at} has ${wanted} replica(s) (numberOfInstances) on ${wanted} distinct node(s)`,
      ...(ok
        ? {}
        : {
            detail: `replicas ${String(replicas)}, ${own.length} pod(s) on ${nodes.join(', ') || 'no node'}${refused.length ? `; ${refused.join('; ')}` : ''}`,
          }),
    });
  }
  return out;
}
