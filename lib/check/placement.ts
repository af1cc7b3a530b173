import type { Finding, SiteTree } from './findings';
import { where } from '../core/objects';
import { eligible, explainRejections, schedulingNodes, type SchedulingNode } from './scheduling';
import { workloadsOf } from './workloads';
import { type Workload } from '../core/workloads';

/**
 * Every workload's nodeSelector / nodeAffinity / tolerations must select enough nodes of the
 * model for its replicas: distinct nodes when the pods must not share one (Postgres instances,
 * Ceph mons, anti-affine MinIO servers), named nodes that exist and are eligible (Ceph OSDs).
 */
function placementFindings(w: Workload, nodes: readonly SchedulingNode[]): Finding[] {
  const at = `${w.from.site}/${where(w.from)}`;
  const fits = nodes.filter((n) => eligible(n, w.placement));
  const names = (ns: readonly SchedulingNode[]) => (ns.length ? ns.map((n) => n.name).join(', ') : 'none');
  const finding = (severity: Finding['severity'], message: string): Finding => ({
    check: 'placement',
    severity,
    where: at,
    message,
  });

  if (w.hosts) {
    return w.hosts.flatMap(({ host }) => {
      const node = nodes.find((n) => n.name === host);
      if (!node)
        return [
          finding(
            'error',
            `${w.label} are pinned to node '${host}', which is not a node of site ${w.from.site}: use one of ${names(nodes)}`,
          ),
        ];
      if (!fits.includes(node))
        return [
          finding(
            'error',
            `${w.label} are pinned to node '${host}', but their placement excludes it (${explainRejections([node], w.placement)}): label the node's role or fix the placement`,
          ),
        ];
      return [];
    });
  }
  if (w.replicas === 'every-node') {
    return fits.length === 0
      ? [
          finding(
            'warning',
            `${w.label} run on every eligible node, and no node is eligible (${explainRejections(nodes, w.placement)})`,
          ),
        ]
      : [];
  }
  if (w.replicas === 0) return [];
  const needed = w.onePerNode ? w.replicas : 1;
  if (fits.length >= needed) return [];
  const want = w.onePerNode
    ? `${w.replicas} replicas need ${w.replicas} distinct eligible nodes`
    : `${w.replicas} replica(s) need an eligible node`;
  return [
    finding(
      'error',
      `${w.label}: ${want}, the site has ${fits.length} (${names(fits)}); ${explainRejections(nodes, w.placement)}: add nodes with the right role, or fix the selector/tolerations`,
    ),
  ];
}

export function checkPlacement(tree: SiteTree): Finding[] {
  const nodes = schedulingNodes(tree.site);
  return tree.objects.flatMap(workloadsOf).flatMap((w) => placementFindings(w, nodes));
}
