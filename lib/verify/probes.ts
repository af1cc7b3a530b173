import { asRecord } from '../core/records';
import { groupKind, type KubeObject, type RenderedObject } from '../core/objects';
import { podTemplateOf, type Workload } from '../core/workloads';
import { workloadsOf } from '../check/workloads';

/**
 * Pods that operators which cannot run here would create (Rook needs Ceph, the MinIO and Prometheus
 * operators are not run): one probe pod per pod the operator would make, with the placement and
 * requests the static check reads from the custom resource (lib/check/workloads.ts), so that the
 * real scheduler says where those pods would go. The real operator runs for `postgresql`.
 */
export const PROBE_LABEL = 'verify.pg-gitops/probe';

/** Custom resources whose real operator verify runs: no probes for them. */
const OPERATED_HERE = new Set(['acid.zalan.do/postgresql']);

const slug = (s: string): string =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

export interface Probe {
  /** The custom resource and the workload it stands for. */
  readonly from: RenderedObject;
  readonly label: string;
  /** Pods (a DaemonSet for every-node workloads). */
  readonly pods: readonly KubeObject[];
}

function probePod(w: Workload, name: string, group: string, host?: string): KubeObject {
  const nodeSelector = { ...asRecord(w.placement.nodeSelector), ...(host ? { 'kubernetes.io/hostname': host } : {}) };
  const labels = { [PROBE_LABEL]: group };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: w.from.obj.metadata.namespace ?? 'default', labels },
    spec: {
      ...(Object.keys(nodeSelector).length ? { nodeSelector } : {}),
      affinity: {
        ...(w.placement.nodeAffinity ? { nodeAffinity: w.placement.nodeAffinity } : {}),
        ...(w.onePerNode
          ? {
              podAntiAffinity: {
                requiredDuringSchedulingIgnoredDuringExecution: [
                  { labelSelector: { matchLabels: labels }, topologyKey: 'kubernetes.io/hostname' },
                ],
              },
            }
          : {}),
      },
      ...(w.placement.tolerations ? { tolerations: w.placement.tolerations } : {}),
      ...(w.priorityClassName ? { priorityClassName: w.priorityClassName } : {}),
      automountServiceAccountToken: false,
      securityContext: { runAsNonRoot: true, runAsUser: 65534, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [
        {
          name: 'probe',
          image: 'verify.invalid/probe',
          resources: { requests: { cpu: `${Math.round(w.requests.cpu * 1000)}m`, memory: String(w.requests.memory) } },
          securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
        },
      ],
    },
  };
}

/** One probe per pod; a workload on every eligible node (Ceph OSDs with useAllNodes) probes with a DaemonSet. */
function probesOf(w: Workload): Probe {
  const group = slug(`${w.from.obj.kind}-${w.from.obj.metadata.name}-${w.label}`).slice(0, 63).replace(/-$/, '');
  const name = `verify-probe-${group}`;
  if (w.replicas === 'every-node') {
    const pod = probePod(w, name, group);
    const daemonSet = {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: pod.metadata,
      spec: {
        selector: { matchLabels: pod.metadata.labels },
        template: { metadata: { labels: pod.metadata.labels }, spec: pod.spec },
      },
    };
    return { from: w.from, label: w.label, pods: [daemonSet] };
  }
  const hosts = w.hosts?.flatMap((h) => Array.from({ length: h.pods }, () => h.host));
  const pods = Array.from({ length: hosts?.length ?? w.replicas }, (_, i) =>
    probePod(w, `${name}-${i}`, group, hosts?.[i]),
  );
  return { from: w.from, label: w.label, pods };
}

/** The probes of a site's custom resources run by operators verify does not run. */
export function probes(objects: readonly RenderedObject[]): Probe[] {
  return objects
    .filter((o) => !podTemplateOf(o.obj) && !OPERATED_HERE.has(groupKind(o.obj)))
    .flatMap((o) => workloadsOf(o))
    .map(probesOf);
}
