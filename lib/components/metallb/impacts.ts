import { asArray } from '../../core/records';
import type { KubeObject } from '../../core/objects';
import { field, is, type ImpactRule } from '../../core/impact';

/**
 * The address pool of MetalLB: a Service whose address leaves it gets another one (MetalLB's controller reassigns it).
 */
const addressPool: ImpactRule = (c) => {
  if (!is(c, 'metallb.io/IPAddressPool')) return [];
  const pool = `MetalLB address pool ${(c.after ?? c.before)!.metadata.name}`;
  const ranges = (o: KubeObject | undefined) => asArray(field(o, 'spec.addresses')).map(String);
  if (c.action === 'add')
    return [
      {
        level: 'info',
        message: `${pool}: LoadBalancer Services get addresses of ${ranges(c.after).join(', ')}, announced on the nodes' network (ARP, L2)`,
      },
    ];
  if (c.action === 'remove')
    return [
      {
        level: 'disruptive',
        message: `${pool} removed: every LoadBalancer Service loses its external address and stays <pending>`,
      },
    ];
  const [before, after] = [ranges(c.before), ranges(c.after)];
  if (!before.some((r) => !after.includes(r)))
    return after.length !== before.length
      ? [{ level: 'info', message: `${pool} grows: ${before.join(', ')} → ${after.join(', ')}` }]
      : [];
  return [
    {
      level: 'disruptive',
      message: `${pool}: ${before.join(', ')} → ${after.join(', ')}: a Service whose address is no longer in the pool gets another one, clients of the old address are cut off (check kubectl get svc -A | grep LoadBalancer)`,
    },
  ];
};

export const POOL_IMPACTS: readonly ImpactRule[] = [addressPool];
