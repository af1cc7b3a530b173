import { asArray, asRecord } from '../../core/records';
import type { KubeObject } from '../../core/objects';
import { changed, field, is, plural, type Impact, type ImpactRule } from '../../core/impact';

/** What a change of the Ceph cluster or its pools does to the data they hold (the diff's rules for Rook). */

/** `node → devices` of CephCluster storage.nodes. */
const storageNodes = (obj: KubeObject | undefined) =>
  new Map(
    asArray(field(obj, 'spec.storage.nodes'))
      .map(asRecord)
      .map((n) => [String(n.name), asArray(n.devices).map((d) => String(asRecord(d).name))]),
  );

const cephStorage: ImpactRule = (c) => {
  if (!is(c, 'ceph.rook.io/CephCluster') || c.action !== 'change') return [];
  const before = storageNodes(c.before);
  const after = storageNodes(c.after);
  const out: Impact[] = [];
  for (const [node, devices] of before) {
    const now = after.get(node);
    const gone = now ? devices.filter((d) => !now.includes(d)) : devices;
    if (!now)
      out.push({
        level: 'destructive',
        ack: `remove storage node ${node}`,
        message: `storage node ${node} removed from the CephCluster while it holds OSDs (${devices.join(', ') || 'all devices'}): their copies are lost to the pools until Ceph rebalances them onto the remaining OSDs (heavy I/O, less capacity; another failure meanwhile can lose data; Rook does not purge OSDs by itself): mark them out and wait for HEALTH_OK first (docs/operations.md)`,
      });
    else if (gone.length)
      out.push({
        level: 'disruptive',
        message: `device(s) ${gone.join(', ')} removed from storage node ${node}: data rebalancing onto the remaining OSDs once their OSDs are marked out`,
      });
  }
  for (const [node, devices] of after) {
    const was = before.get(node);
    const added = was ? devices.filter((d) => !was.includes(d)) : devices;
    if (added.length || !was)
      out.push({
        level: 'info',
        message: `new OSD(s) on ${node} (${added.join(', ') || 'all devices'}): Ceph rebalances data onto them`,
      });
  }
  const mons = [field(c.before, 'spec.mon.count'), field(c.after, 'spec.mon.count')].map(Number);
  if (mons[1] < mons[0])
    out.push({
      level: 'destructive',
      ack: `lower Ceph monitors to ${mons[1]}`,
      message: `Ceph monitors ${mons[0]} → ${mons[1]}: ${mons[1] < 3 ? 'no monitor may fail any more without Ceph stopping all I/O (quorum lost)' : `quorum survives ${Math.floor((mons[1] - 1) / 2)} failed monitor(s) instead of ${Math.floor((mons[0] - 1) / 2)}`}`,
    });
  if (changed(c, 'spec.cephVersion.image')) {
    out.push({
      level: 'disruptive',
      message: `Ceph image ${String(field(c.before, 'spec.cephVersion.image'))} → ${String(field(c.after, 'spec.cephVersion.image'))}: Rook upgrades mons, mgrs and OSDs one at a time, waiting for HEALTH_OK between them`,
    });
  }
  return out;
};

/** The block pool's copies, and the ceph.conf overrides Ceph reads only at daemon start. */
const cephSettings: ImpactRule = (c) => {
  if (c.action !== 'change') return [];
  if (is(c, 'ceph.rook.io/CephBlockPool') && changed(c, 'spec.replicated.size')) {
    const [from, to] = [field(c.before, 'spec.replicated.size'), field(c.after, 'spec.replicated.size')].map(Number);
    const copies = `pool ${c.after!.metadata.name} keeps ${to} copies instead of ${from}`;
    return [
      to > from
        ? {
            level: 'disruptive',
            message: `${copies}: Ceph writes one more copy of every object (heavy I/O on the storage nodes until its placement groups are clean again)`,
          }
        : {
            level: 'destructive',
            ack: `lower pool ${c.after!.metadata.name} size to ${to}`,
            message: `${copies}: less redundancy, ${to <= 1 ? 'a single failed disk or host loses data' : `the pool survives ${plural(to - 1, 'lost host')}`}`,
          },
    ];
  }
  if (is(c, '/ConfigMap') && c.after!.metadata.name === 'rook-config-override' && changed(c, 'data.config')) {
    return [
      {
        level: 'info',
        message:
          'ceph.conf overrides changed: each Ceph daemon reads them only when it restarts (Rook restarts none for this change)',
      },
    ];
  }
  return [];
};

export const CEPH_IMPACTS: readonly ImpactRule[] = [cephStorage, cephSettings];
