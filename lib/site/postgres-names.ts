import type { PostgresClusterSpec } from './model';

/**
 * The cluster's poolers, as the operator enables them: the primary's with `enableConnectionPooler`, the replicas' with
 * `enableReplicaConnectionPooler`.
 */
export function poolersOf(
  pg: Pick<PostgresClusterSpec, 'enableConnectionPooler' | 'enableReplicaConnectionPooler'>,
): ('master' | 'replica')[] {
  return [
    ...(pg.enableConnectionPooler ? ['master' as const] : []),
    ...(pg.enableReplicaConnectionPooler ? ['replica' as const] : []),
  ];
}

/** The Service (and Deployment) of a pooler: `<cluster>-pooler`, `<cluster>-pooler-repl` (connection_pooler.go). */
export const poolerName = (cluster: string, role: 'master' | 'replica') =>
  `${cluster}-pooler${role === 'replica' ? '-repl' : ''}`;

/**
 * The operator's credentials Secret of a role: `<user>.<cluster>.credentials.postgresql.acid.zalan.do` (`_` becomes
 * `-`).
 */
export const credentialsSecret = (cluster: string, user: string) =>
  `${user.replace(/_/g, '-')}.${cluster}.credentials.postgresql.acid.zalan.do`;
