import { dataNamespaces, isDataBearing, isProtected } from '../core/data-bearing';
import { asArray, asRecord } from '../core/records';
import { describe, groupKind, type KubeObject } from '../core/objects';
import { DEFAULTS } from '../site/resolve';
import { poolerName } from '../site/postgres-names';
import { parseQuantity, isQuantity } from '../core/quantity';
import type { FieldChange } from './fields';
import { objectRef } from '../site/acknowledge';

/**
 * What a change does once ArgoCD syncs it, in the words an operator wants before approving:
 * which pods restart, which data moves or is lost, which changes the operators refuse.
 * Each rule reads the object before and after, and the rest of its site when it needs to
 * (the operator ConfigMap for Spilo pods, StorageClasses for volume growth).
 */
export type ImpactLevel = 'destructive' | 'disruptive' | 'refused' | 'info';

export interface Impact {
  readonly level: ImpactLevel;
  readonly message: string;
  /**
   * For a change that deletes or endangers data or quorum: the words a site's `acknowledge` entry names it by
   * (lib/site/acknowledge.ts), `delete postgresql postgres/acid-main`; `npm run check --base` fails without it.
   */
  readonly ack?: string;
}

export interface ChangeContext {
  readonly action: 'add' | 'change' | 'remove';
  readonly before?: KubeObject;
  readonly after?: KubeObject;
  readonly fields: readonly FieldChange[];
  /** Applications (dist folders) that hold the object before and after. */
  readonly apps: { readonly before?: string; readonly after?: string };
  /** Every object of the same site, before and after. */
  readonly site: { readonly before: readonly KubeObject[]; readonly after: readonly KubeObject[] };
}

type ImpactRule = (c: ChangeContext) => Impact[];

/** A field by dotted path (`spec.postgresql.version`). */
function field(obj: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((v, k) => asRecord(v)[k], obj);
}

const is = (c: ChangeContext, gk: string) => groupKind((c.after ?? c.before)!) === gk;
const changed = (c: ChangeContext, path: string) =>
  c.action === 'change' && field(c.before, path) !== field(c.after, path);
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The Zalando operator's ConfigMap (the one with `docker_image`). */
const operatorConfig = (objects: readonly KubeObject[]) =>
  objects.find((o) => groupKind(o) === '/ConfigMap' && typeof field(o, 'data.docker_image') === 'string');
const instances = (pg: KubeObject | undefined) => Number(field(pg, 'spec.numberOfInstances') ?? 1);
const rollingRestart = (pods: number, what: string) =>
  pods === 1
    ? `restart of the only pod ${what}: the database is down until it is back (no replica to switch over to)`
    : `rolling restart of ${plural(pods, 'pod')} ${what}: replicas first, then a switchover of the primary (a few seconds without writes), then the old primary`;

const dataRemoval: ImpactRule = (c) => {
  if (c.action !== 'remove' || !isDataBearing(c.before!, dataNamespaces(c.site.before))) return [];
  const what = describe(c.before!);
  return [
    {
      level: 'destructive',
      ack: `delete ${objectRef(c.before!)}`,
      message: isProtected(c.before!)
        ? `${what} holds data and is removed from git: ArgoCD will not prune it (Prune=false,Delete=false) and leaves it running unmanaged; whoever deletes it deletes its data`
        : `${what} holds data and ArgoCD will prune it: its data is deleted`,
    },
  ];
};

const protectionDropped: ImpactRule = (c) =>
  c.action === 'change' && isProtected(c.before!) && !isProtected(c.after!)
    ? [
        {
          level: 'destructive',
          ack: `unprotect ${objectRef(c.after!)}`,
          message: `loses Prune=false,Delete=false: from now on a removal or an Application deletion deletes its data`,
        },
      ]
    : [];

const crdRemoval: ImpactRule = (c) =>
  c.action === 'remove' && groupKind(c.before!) === 'apiextensions.k8s.io/CustomResourceDefinition'
    ? [
        {
          level: isProtected(c.before!) ? 'disruptive' : 'destructive',
          ...(isProtected(c.before!) ? {} : { ack: `delete ${objectRef(c.before!)}` }),
          message: `deleting CRD ${c.before!.metadata.name} deletes every ${String(field(c.before, 'spec.names.kind'))} in the cluster${isProtected(c.before!) ? ' (ArgoCD will not prune it: Prune=false)' : ''}`,
        },
      ]
    : [];

const operatorSpiloImage: ImpactRule = (c) => {
  if (!is(c, '/ConfigMap') || !changed(c, 'data.docker_image') || field(c.before, 'data.docker_image') === undefined)
    return [];
  const clusters = c.site.after.filter(
    (o) => groupKind(o) === 'acid.zalan.do/postgresql' && field(o, 'spec.dockerImage') === undefined,
  );
  const pods = clusters.reduce((n, pg) => n + instances(pg), 0);
  const image = `Spilo image ${String(field(c.before, 'data.docker_image'))} → ${String(field(c.after, 'data.docker_image'))}`;
  if (pods === 0) return [{ level: 'info', message: `${image}: no cluster uses the operator's default image` }];
  return [
    {
      level: 'disruptive',
      message: `${image}: the operator restarts, then ${rollingRestart(pods, `in ${plural(clusters.length, 'cluster')} (${clusters.map((p) => p.metadata.name).join(', ')})`)}`,
    },
  ];
};

const clusterSpiloImage: ImpactRule = (c) => {
  if (!is(c, 'acid.zalan.do/postgresql') || c.action !== 'change') return [];
  const image = (pg: KubeObject, objects: readonly KubeObject[]) =>
    field(pg, 'spec.dockerImage') ?? field(operatorConfig(objects), 'data.docker_image');
  const before = image(c.before!, c.site.before);
  const after = image(c.after!, c.site.after);
  if (before === after || !changed(c, 'spec.dockerImage')) return [];
  return [
    {
      level: 'disruptive',
      message: `Spilo image ${String(before)} → ${String(after)}: ${rollingRestart(instances(c.after), `of ${c.after!.metadata.name}`)}`,
    },
  ];
};

const majorVersion: ImpactRule = (c) => {
  if (!is(c, 'acid.zalan.do/postgresql') || !changed(c, 'spec.postgresql.version')) return [];
  const from = Number(field(c.before, 'spec.postgresql.version'));
  const to = Number(field(c.after, 'spec.postgresql.version'));
  if (to < from)
    return [
      {
        level: 'refused',
        message: `PostgreSQL ${from} → ${to} is a downgrade: the operator does not downgrade and the data directory stays on ${from}; revert`,
      },
    ];
  const mode = String(field(operatorConfig(c.site.after), 'data.major_version_upgrade_mode') ?? 'off');
  const how =
    mode === 'off'
      ? `major_version_upgrade_mode is 'off': the pods roll with PGVERSION=${to} but keep running PostgreSQL ${from} (no upgrade) unless team '${String(field(c.after, 'spec.teamId'))}' is in major_version_upgrade_team_allow_list`
      : `after the rolling restart the operator runs the in-place upgrade (inplace_upgrade.py) on the primary (mode '${mode}'): the cluster is down during pg_upgrade; take a backup first`;
  return [
    {
      level: 'disruptive',
      message: `PostgreSQL major version ${from} → ${to}, in-place major upgrade of ${c.after!.metadata.name} (${plural(instances(c.after), 'pod')}): ${how}`,
    },
  ];
};

const instanceCount: ImpactRule = (c) => {
  if (!is(c, 'acid.zalan.do/postgresql') || !changed(c, 'spec.numberOfInstances')) return [];
  const from = instances(c.before);
  const to = instances(c.after);
  const name = c.after!.metadata.name;
  if (to > from)
    return [
      {
        level: 'info',
        message: `${plural(to - from, 'replica')} added (${from} → ${to}): the new pods copy the primary's data (basebackup), extra load on the primary and storage`,
      },
    ];
  const removed = Array.from({ length: from - to }, (_, i) => `${name}-${to + i}`).join(', ');
  return [
    {
      level: 'disruptive',
      message: `${plural(from - to, 'replica')} removed (${from} → ${to}): pod(s) ${removed} are deleted (the StatefulSet keeps their volumes)${to <= 1 ? '; no replica is left: no automatic failover' : ''}`,
    },
  ];
};

const volume: ImpactRule = (c) => {
  if (!is(c, 'acid.zalan.do/postgresql') || c.action !== 'change') return [];
  const out: Impact[] = [];
  const [from, to] = [field(c.before, 'spec.volume.size'), field(c.after, 'spec.volume.size')].map(String);
  if (from !== to && isQuantity(from) && isQuantity(to)) {
    const storageClass = String(field(c.after, 'spec.volume.storageClass'));
    const sc = c.site.after.find(
      (o) => groupKind(o) === 'storage.k8s.io/StorageClass' && o.metadata.name === storageClass,
    );
    if (parseQuantity(to) < parseQuantity(from)) {
      out.push({
        level: 'refused',
        message: `volume shrink ${from} → ${to} is refused by the operator (a PVC cannot shrink): the volumes stay ${from}; revert`,
      });
    } else if (sc && field(sc, 'allowVolumeExpansion') !== true) {
      out.push({
        level: 'refused',
        message: `volume ${from} → ${to}: StorageClass ${storageClass} does not allow volume expansion, the resize fails`,
      });
    } else {
      out.push({
        level: 'info',
        message: `volumes grow ${from} → ${to} for ${plural(instances(c.after), 'pod')}, online (filesystem resized by the CSI driver)`,
      });
    }
  }
  if (changed(c, 'spec.volume.storageClass')) {
    out.push({
      level: 'refused',
      message: `storage class ${String(field(c.before, 'spec.volume.storageClass'))} → ${String(field(c.after, 'spec.volume.storageClass'))} is ignored by the operator for existing volumes: migrate by cloning into a new cluster`,
    });
  }
  return out;
};

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

/** A new cluster with a clone section is a point-in-time recovery from another one's backups. */
const cloneCreated: ImpactRule = (c) => {
  if (!is(c, 'acid.zalan.do/postgresql') || c.action !== 'add') return [];
  const clone = asRecord(field(c.after, 'spec.clone'));
  if (!clone.cluster) return [];
  const to = clone.timestamp
    ? `its state just before ${String(clone.timestamp)}`
    : 'its current state (basebackup from the running cluster)';
  return [
    {
      level: 'info',
      message: `point-in-time recovery: a new cluster restored from ${String(clone.cluster)} (uid ${String(clone.uid)}) to ${to}; the source is untouched`,
    },
  ];
};

/**
 * A cross-site standby (spec.standby): created, it bootstraps from the primary's WAL archive and replays it; its
 * section removed, it is promoted (operator docs/user.md "Promote the standby"); added to a running cluster, it turns
 * read-only and follows nothing ("Adding standby section after promotion").
 */
const standbyChanges: ImpactRule = (c) => {
  if (!is(c, 'acid.zalan.do/postgresql') || c.action === 'remove') return [];
  const name = c.after!.metadata.name;
  const before = asRecord(field(c.before, 'spec.standby'));
  const after = asRecord(field(c.after, 'spec.standby'));
  const source = (s: Record<string, unknown>) => String(s.s3_wal_path ?? s.standby_host);
  if (c.action === 'add')
    return Object.keys(after).length
      ? [
          {
            level: 'info',
            message: `standby cluster: ${name} bootstraps from the WAL archive ${source(after)} of a primary on another site and replays it, read-only, until promoted`,
          },
        ]
      : [];
  if (Object.keys(before).length && !Object.keys(after).length)
    return [
      {
        level: 'disruptive',
        message: `PROMOTION of the standby ${name}: it stops replaying ${source(before)} and becomes a writable primary (${rollingRestart(instances(c.after), `of ${name}`)}, then Patroni promotes it). One way only: stop writes on the old primary first and redirect the clients here; the old primary can only come back as a new standby, rebuilt (docs/operations.md)`,
      },
    ];
  if (!Object.keys(before).length && Object.keys(after).length)
    return [
      {
        level: 'disruptive',
        message: `${name} is running and gets a standby section: the operator turns it read-only at its next sync, but it does not follow ${source(after)}; rebuild it as a standby instead (delete the cluster, recreate it with the section; docs/operations.md)`,
      },
    ];
  if (source(before) !== source(after))
    return [
      {
        level: 'disruptive',
        message: `standby ${name} now replays ${source(after)} instead of ${source(before)}: ${rollingRestart(instances(c.after), `of ${name}`)}`,
      },
    ];
  return [];
};

/**
 * The poolers a postgresql asks for, as the operator reads it (a `connectionPooler` section alone starts the
 * primary's).
 */
function poolers(pg: KubeObject | undefined): Map<string, number> {
  const spec = asRecord(field(pg, 'spec'));
  const min = DEFAULTS.pooler.numberOfInstances;
  const instances = Math.max(min, Number(field(pg, 'spec.connectionPooler.numberOfInstances') ?? min));
  const name = pg?.metadata.name ?? '';
  const master =
    typeof spec.enableConnectionPooler === 'boolean'
      ? spec.enableConnectionPooler
      : spec.connectionPooler !== undefined;
  return new Map([
    ...(master ? [[poolerName(name, 'master'), instances] as const] : []),
    ...(spec.enableReplicaConnectionPooler === true ? [[poolerName(name, 'replica'), instances] as const] : []),
  ]);
}

/** pgbouncer Deployments and Services the operator adds or removes with the cluster's pooler flags. */
const poolerChanges: ImpactRule = (c) => {
  if (!is(c, 'acid.zalan.do/postgresql') || c.action === 'remove') return [];
  const before = poolers(c.before);
  const after = poolers(c.after);
  const ns = c.after!.metadata.namespace;
  const out: Impact[] = [];
  for (const [name, pods] of after) {
    if (!before.has(name))
      out.push({
        level: 'info',
        message: `connection pooler ${name}: the operator creates Deployment ${ns}/${name} (${plural(pods, 'pgbouncer pod')}) and Service ${ns}/${name}:5432, plus the pooler role and schema in each database; clients may connect through it`,
      });
    else if (before.get(name) !== pods)
      out.push({
        level: 'info',
        message: `connection pooler ${name}: ${before.get(name)} → ${plural(pods, 'pgbouncer pod')}`,
      });
  }
  for (const name of before.keys()) {
    if (!after.has(name))
      out.push({
        level: 'disruptive',
        message: `connection pooler ${name} removed: the operator deletes its Deployment and Service, clients connected through ${ns}/${name} are cut off and must connect to the cluster's own Service`,
      });
  }
  if (before.size > 0 && after.size > 0 && changed(c, 'spec.connectionPooler.mode')) {
    out.push({
      level: 'disruptive',
      message: `pooler mode ${String(field(c.before, 'spec.connectionPooler.mode'))} → ${String(field(c.after, 'spec.connectionPooler.mode'))}: the pgbouncer pods roll, open client connections are closed`,
    });
  }
  // any other difference of the section updates the Deployments (needSyncConnectionPoolerSpecs); the instances only
  // scale them
  const settings = c.fields
    .map((f) => f.path)
    .filter(
      (p) => p.startsWith('spec.connectionPooler.') && !/^spec\.connectionPooler\.(mode|numberOfInstances)$/.test(p),
    )
    .map((p) => p.slice('spec.connectionPooler.'.length).split('.')[0]);
  const kept = [...after.keys()].filter((name) => before.has(name));
  if (kept.length > 0 && settings.length > 0) {
    out.push({
      level: 'disruptive',
      message: `pooler ${[...new Set(settings)].join(', ')} changed: the operator updates Deployment ${kept.map((n) => `${ns}/${n}`).join(', ')}, its pgbouncer pods roll and their client connections are closed`,
    });
  }
  return out;
};

/**
 * The operator's pgbouncer image: at its restart it updates every pooler that names no image of its own
 * (needSyncConnectionPoolerDefaults).
 */
const operatorPoolerImage: ImpactRule = (c) => {
  if (
    !is(c, '/ConfigMap') ||
    !changed(c, 'data.connection_pooler_image') ||
    field(c.before, 'data.connection_pooler_image') === undefined
  )
    return [];
  const image = `pgbouncer image ${String(field(c.before, 'data.connection_pooler_image'))} → ${String(field(c.after, 'data.connection_pooler_image'))}`;
  const pooled = c.site.after
    .filter(
      (o) => groupKind(o) === 'acid.zalan.do/postgresql' && field(o, 'spec.connectionPooler.dockerImage') === undefined,
    )
    .flatMap((pg) => [...poolers(pg).keys()].map((name) => `${pg.metadata.namespace}/${name}`));
  if (pooled.length === 0)
    return [{ level: 'info', message: `${image}: no cluster runs a connection pooler with the operator's image` }];
  return [
    {
      level: 'disruptive',
      message: `${image}: the operator restarts, then rolls the pgbouncer pods of ${plural(pooled.length, 'pooler')} (${pooled.join(', ')}); their client connections are closed`,
    },
  ];
};

/** The Services a postgresql asks the operator to make LoadBalancers, by name. */
function loadBalancedServices(pg: KubeObject | undefined): string[] {
  const name = pg?.metadata.name ?? '';
  const on = (flag: string) => field(pg, `spec.${flag}`) === true;
  return [
    ...(on('enableMasterLoadBalancer') ? [name] : []),
    ...(on('enableReplicaLoadBalancer') ? [`${name}-repl`] : []),
    ...(on('enableMasterPoolerLoadBalancer') ? [poolerName(name, 'master')] : []),
    ...(on('enableReplicaPoolerLoadBalancer') ? [poolerName(name, 'replica')] : []),
  ];
}

const sources = (obj: KubeObject | undefined, path: string) => {
  const ranges = asArray(field(obj, path)).map(String);
  return ranges.length ? `reachable from ${ranges.join(', ')}` : 'reachable from anywhere';
};

/** A Service that becomes (or stops being) a LoadBalancer gets (or loses) an address of MetalLB's pool. */
const externalAddresses: ImpactRule = (c) => {
  const lb = (o: KubeObject | undefined) => field(o, 'spec.type') === 'LoadBalancer';
  const lost = (name: string): Impact => ({
    level: 'disruptive',
    message: `${name} loses its external address: clients outside the cluster can no longer connect through it`,
  });
  if (c.action === 'remove')
    return is(c, '/Service') && lb(c.before)
      ? [lost(`Service ${c.before!.metadata.namespace}/${c.before!.metadata.name}`)]
      : [];
  const ns = c.after!.metadata.namespace;
  if (is(c, 'acid.zalan.do/postgresql')) {
    const before = loadBalancedServices(c.before);
    const after = loadBalancedServices(c.after);
    return [
      ...after
        .filter((s) => !before.includes(s))
        .map((s): Impact => ({
          level: 'info',
          message: `Service ${ns}/${s} gets an external address from the load balancer pool, ${sources(c.after, 'spec.allowedSourceRanges')}`,
        })),
      ...before.filter((s) => !after.includes(s)).map((s) => lost(`Service ${ns}/${s}`)),
      // an empty list is 127.0.0.1/32 to the operator (k8sres.go configureLoadBalanceService)
      ...sourceRanges(
        c,
        after.filter((s) => before.includes(s)).map((s) => `Service ${ns}/${s}`),
        'spec.allowedSourceRanges',
        '127.0.0.1/32 only',
      ),
    ];
  }
  if (!is(c, '/Service')) return [];
  const name = `Service ${ns}/${c.after!.metadata.name}`;
  if (lb(c.after) && !lb(c.before))
    return [
      {
        level: 'info',
        message: `${name} gets an external address from the load balancer pool, ${sources(c.after, 'spec.loadBalancerSourceRanges')}`,
      },
    ];
  if (lb(c.before) && !lb(c.after)) return [lost(name)];
  return lb(c.after) ? sourceRanges(c, [name], 'spec.loadBalancerSourceRanges') : [];
};

/** Who may reach a load-balanced Service: a range dropped cuts its clients off. */
function sourceRanges(c: ChangeContext, services: readonly string[], path: string, none = 'anywhere'): Impact[] {
  if (c.action !== 'change' || services.length === 0) return [];
  const [before, after] = [c.before, c.after].map((o) => asArray(field(o, path)).map(String));
  const dropped = before.filter((r) => !after.includes(r));
  if (dropped.length === 0 && after.length === before.length) return [];
  const reach = (ranges: readonly string[]) => (ranges.length ? ranges.join(', ') : none);
  return [
    {
      level: dropped.length ? 'disruptive' : 'info',
      message: `${services.join(', ')}: reachable from ${reach(after)} (was ${reach(before)})${dropped.length ? `: clients from ${dropped.join(', ')} are refused` : ''}`,
    },
  ];
}

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

/** Kubernetes forbids updates to a StorageClass other than its metadata and allowVolumeExpansion. */
const storageClassUpdate: ImpactRule = (c) => {
  if (c.action !== 'change' || !is(c, 'storage.k8s.io/StorageClass')) return [];
  const immutable = c.fields
    .filter((f) => !f.path.startsWith('metadata.') && f.path !== 'allowVolumeExpansion')
    .map((f) => f.path);
  return immutable.length
    ? [
        {
          level: 'refused',
          message: `StorageClass ${c.after!.metadata.name}: ${immutable.join(', ')} cannot be updated, the sync fails; existing volumes keep their settings anyway: delete the StorageClass by hand (its volumes stay) and let ArgoCD recreate it`,
        },
      ]
    : [];
};

/** Any pod template change restarts the pods of a Deployment, StatefulSet or DaemonSet. */
const podTemplate: ImpactRule = (c) => {
  const kinds = ['apps/Deployment', 'apps/StatefulSet', 'apps/DaemonSet'];
  if (
    c.action !== 'change' ||
    !kinds.includes(groupKind(c.after!)) ||
    !c.fields.some((f) => f.path.startsWith('spec.template.'))
  )
    return [];
  const replicas =
    groupKind(c.after!) === 'apps/DaemonSet'
      ? "every node's pod"
      : plural(Number(field(c.after, 'spec.replicas') ?? 1), 'pod');
  return [
    field(c.after, 'spec.strategy.type') === 'Recreate'
      ? {
          level: 'disruptive',
          message: `pod template changed: ${replicas} stopped then recreated (strategy Recreate): a short outage of ${c.after!.metadata.name}`,
        }
      : { level: 'info', message: `pod template changed: rolling restart of ${replicas}` },
  ];
};

const applicationRemoval: ImpactRule = (c) =>
  c.action === 'remove' && groupKind(c.before!) === 'argoproj.io/Application'
    ? [
        {
          level: 'disruptive',
          message: `ArgoCD deletes Application ${c.before!.metadata.name} and, through its finalizer, every object it manages except those marked Delete=false`,
        },
      ]
    : [];

const namespaceRemoval: ImpactRule = (c) =>
  c.action === 'remove' &&
  groupKind(c.before!) === '/Namespace' &&
  !isDataBearing(c.before!, dataNamespaces(c.site.before))
    ? [
        {
          level: 'disruptive',
          message: `deleting namespace ${c.before!.metadata.name} deletes everything in it, including objects this repository does not render`,
        },
      ]
    : [];

/** Between Applications the old one prunes the object and the new one creates it, unless it is protected. */
const moved: ImpactRule = (c) => {
  if (c.action !== 'change' || c.apps.before === c.apps.after) return [];
  const move = `moves from Application ${c.apps.before} to ${c.apps.after}`;
  if (isProtected(c.before!))
    return [
      {
        level: 'info',
        message: `${move}: ${c.apps.before} leaves it in place (Prune=false) and ${c.apps.after} adopts it`,
      },
    ];
  return [
    isDataBearing(c.before!, dataNamespaces(c.site.before))
      ? {
          level: 'destructive',
          ack: `move ${objectRef(c.before!)} to ${c.apps.after}`,
          message: `${move}: ${c.apps.before} prunes it, deleting its data, before ${c.apps.after} recreates it empty`,
        }
      : {
          level: 'disruptive',
          message: `${move}: ${c.apps.before} prunes it and ${c.apps.after} recreates it, a short gap`,
        },
  ];
};

/** Where WAL-G writes: the operator's wal_s3_bucket, or a cluster's own WAL_S3_BUCKET. */
const walBucket = (o: KubeObject | undefined): string | undefined => {
  if (!o) return undefined;
  if (groupKind(o) === '/ConfigMap') return field(o, 'data.wal_s3_bucket') as string | undefined;
  if (groupKind(o) !== 'acid.zalan.do/postgresql') return undefined;
  const env = asArray(field(o, 'spec.env')).map(asRecord);
  const bucket = env.find((e) => e.name === 'WAL_S3_BUCKET')?.value;
  return typeof bucket === 'string' ? bucket : undefined;
};

/** A changed backup path ends the backup chain: no point-in-time recovery across the change from one place. */
const backupPath: ImpactRule = (c) => {
  if (c.action !== 'change') return [];
  const [from, to] = [walBucket(c.before), walBucket(c.after)];
  if (from === undefined || to === undefined || from === to) return [];
  return [
    {
      level: 'destructive',
      ack: `change backup path to ${to}`,
      message: `backup path ${from} → ${to}: WAL and base backups go to ${to} from the next pod restart on; the backup chain in ${from} ends there (a point-in-time recovery to a time before the change must read ${from}, a clone of a cluster must name it): take a base backup right after the change`,
    },
  ];
};

const IMPACT_RULES: readonly ImpactRule[] = [
  backupPath,
  moved,
  dataRemoval,
  protectionDropped,
  crdRemoval,
  applicationRemoval,
  namespaceRemoval,
  operatorSpiloImage,
  clusterSpiloImage,
  majorVersion,
  instanceCount,
  volume,
  cloneCreated,
  standbyChanges,
  poolerChanges,
  operatorPoolerImage,
  externalAddresses,
  addressPool,
  cephStorage,
  cephSettings,
  storageClassUpdate,
  tenantPoolChanges,
  podTemplate,
];

export function impactsOf(c: ChangeContext): Impact[] {
  return IMPACT_RULES.flatMap((rule) => rule(c));
}
