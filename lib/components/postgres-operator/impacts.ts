import { asArray, asRecord } from '../../core/records';
import { groupKind, type KubeObject } from '../../core/objects';
import { changed, field, is, plural, type ImpactRule } from '../../core/impact';
import { DEFAULTS } from '../../site/defaults';
import { poolerName } from '../../site/postgres-names';

/** What the operator's changes do to the clusters it runs (the diff's rules for its ConfigMap and their backups). */

/** The Zalando operator's ConfigMap (the one with `docker_image`). */
export const operatorConfig = (objects: readonly KubeObject[]) =>
  objects.find((o) => groupKind(o) === '/ConfigMap' && typeof field(o, 'data.docker_image') === 'string');
export const instances = (pg: KubeObject | undefined) => Number(field(pg, 'spec.numberOfInstances') ?? 1);
export const rollingRestart = (pods: number, what: string) =>
  pods === 1
    ? `restart of the only pod ${what}: the database is down until it is back (no replica to switch over to)`
    : `rolling restart of ${plural(pods, 'pod')} ${what}: replicas first, then a switchover of the primary (a few seconds without writes), then the old primary`;

/**
 * The poolers a postgresql asks for, as the operator reads it (a `connectionPooler` section alone starts the
 * primary's).
 */
export function poolers(pg: KubeObject | undefined): Map<string, number> {
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

export const OPERATOR_IMPACTS: readonly ImpactRule[] = [backupPath, operatorSpiloImage, operatorPoolerImage];
