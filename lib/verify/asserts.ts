import { asArray, asRecord } from '../core/records';
import { groupKind, type KubeObject } from '../core/objects';
import { roleLabel } from '../site/roles';
import type { NodeRole } from '../site/model';
import type { Kube } from './kube';
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
const PROBE_ROLES: Readonly<Record<string, Role>> = { 'ceph.rook.io/CephCluster': 'storage', 'minio.min.io/Tenant': 's3' };

function onRole(what: string, pods: readonly PodResult[], role: Role, nodes: readonly KubeObject[]): Assertion {
  const label = roleLabel(role);
  const wrong = pods.filter((p) => p.node && nodes.find((n) => n.metadata.name === p.node)?.metadata.labels?.[label.key] !== label.value);
  const placed = pods.filter((p) => p.node).length;
  return {
    ok: wrong.length === 0 && placed > 0,
    what: `${what} only on ${label.key}=${label.value} nodes (${placed} placed)`,
    ...(wrong.length ? { detail: wrong.map((p) => `${p.pod} on ${p.node}`).join(', ') } : placed === 0 ? { detail: 'no pod was placed' } : {}),
  };
}

/** Spilo pods on the postgres nodes; Ceph and MinIO probes on the storage and s3 nodes. */
export function placementAssertions(pods: readonly PodResult[], probes: readonly Probe[], config: Record<string, string>, nodes: readonly KubeObject[]): Assertion[] {
  const [key, value] = (config.cluster_labels ?? 'application:spilo').split(':');
  const spilo = pods.filter((p) => p.labels[key] === value);
  const byRole = probes.flatMap((probe) => {
    const role = PROBE_ROLES[groupKind(probe.from.obj)];
    const group = probe.pods[0]?.metadata.labels?.[PROBE_LABEL];
    return role && group ? [onRole(`${probe.label} (probes of ${probe.from.obj.kind} ${probe.from.obj.metadata.namespace}/${probe.from.obj.metadata.name})`, pods.filter((p) => p.labels[PROBE_LABEL] === group), role, nodes)] : [];
  });
  return [...(spilo.length ? [onRole('Spilo pods', spilo, 'postgres', nodes)] : []), ...byRole];
}

const equal = (what: string, found: unknown, wanted: unknown): Assertion => ({
  ok: found === wanted, what: `${what} is ${String(wanted)}`, ...(found === wanted ? {} : { detail: `found ${found === undefined ? 'nothing' : String(found)}` }),
});

/** The operator's StatefulSet of each cluster: Spilo's uid/gid/fsGroup and the ConfigMap's docker_image. */
export async function statefulSetAssertions(kube: Kube, clusters: readonly KubeObject[], config: Record<string, string>): Promise<Assertion[]> {
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
    const postgres = asArray(pod.containers).map(asRecord).find((x) => x.name === 'postgres');
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
