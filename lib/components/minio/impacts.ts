import { asArray, asRecord } from '../../core/records';
import type { KubeObject } from '../../core/objects';
import { field, is, type Impact, type ImpactRule } from '../../core/impact';

/** `pool name → servers × volumes` of a Tenant. */
const tenantPools = (obj: KubeObject | undefined) =>
  new Map(
    asArray(field(obj, 'spec.pools'))
      .map(asRecord)
      .map((p) => [String(p.name), `${String(p.servers)}×${String(p.volumesPerServer)}`]),
  );

/** MinIO grows by pools and never resizes one; removing a pool loses its data unless decommissioned first. */
const tenantPoolChanges: ImpactRule = (c) => {
  if (!is(c, 'minio.min.io/Tenant') || c.action !== 'change') return [];
  const before = tenantPools(c.before);
  const after = tenantPools(c.after);
  const out: Impact[] = [];
  for (const [pool, shape] of before) {
    const now = after.get(pool);
    if (now === undefined)
      out.push({
        level: 'destructive',
        ack: `remove MinIO pool ${pool}`,
        message: `MinIO pool ${pool} removed: its objects are lost unless it was decommissioned first (mc admin decommission start)`,
      });
    else if (now !== shape)
      out.push({
        level: 'refused',
        message: `MinIO pool ${pool} resized (servers × volumes ${shape} → ${now}): MinIO cannot change a pool's layout; revert and add a new pool instead`,
      });
  }
  for (const [pool, shape] of after) {
    if (!before.has(pool))
      out.push({
        level: 'info',
        message: `new MinIO pool ${pool} (${shape} servers × volumes): capacity grows, new objects favour the emptier pool, existing objects stay where they are`,
      });
  }
  return out;
};

export const TENANT_IMPACTS: readonly ImpactRule[] = [tenantPoolChanges];
