import { asRecord } from '../../core/records';
import type { KubeObject } from '../../core/objects';
import {
  addressLost,
  changed,
  field,
  is,
  plural,
  sourceRanges,
  sources,
  type Impact,
  type ImpactRule,
} from '../../core/impact';
import { isQuantity, parseQuantity } from '../../core/quantity';
import { groupKind } from '../../core/objects';
import { poolerName } from '../../site/postgres-names';
import { instances, operatorConfig, poolers, rollingRestart } from '../postgres-operator/impacts';

/** What a change of a `postgresql` does once the operator reconciles it (the diff's rules for the clusters). */

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
        message: `PROMOTION of the standby ${name}: it stops replaying ${source(before)} and becomes a writable primary (${rollingRestart(instances(c.after), `of ${name}`)}, then the operator has Patroni promote it; an operator before v1.11.0 does not: promote it in Patroni first, docs/operations.md). One way only: stop writes on the old primary first and redirect the clients here; the old primary can only come back as a new standby, rebuilt (docs/operations.md)`,
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

/** A cluster's Services that become (or stop being) LoadBalancers get (or lose) an address of MetalLB's pool. */
const externalAddresses: ImpactRule = (c) => {
  if (!is(c, 'acid.zalan.do/postgresql') || c.action === 'remove') return [];
  const ns = c.after!.metadata.namespace;
  const before = loadBalancedServices(c.before);
  const after = loadBalancedServices(c.after);
  return [
    ...after
      .filter((s) => !before.includes(s))
      .map((s): Impact => ({
        level: 'info',
        message: `Service ${ns}/${s} gets an external address from the load balancer pool, ${sources(c.after, 'spec.allowedSourceRanges')}`,
      })),
    ...before.filter((s) => !after.includes(s)).map((s) => addressLost(`Service ${ns}/${s}`)),
    // an empty list is 127.0.0.1/32 to the operator (k8sres.go configureLoadBalanceService)
    ...sourceRanges(
      c,
      after.filter((s) => before.includes(s)).map((s) => `Service ${ns}/${s}`),
      'spec.allowedSourceRanges',
      '127.0.0.1/32 only',
    ),
  ];
};

export const CLUSTER_IMPACTS: readonly ImpactRule[] = [
  clusterSpiloImage,
  majorVersion,
  instanceCount,
  volume,
  cloneCreated,
  standbyChanges,
  poolerChanges,
  externalAddresses,
];
