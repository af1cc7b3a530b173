/**
 * The PriorityClass of the data services pinned to their role's nodes (MinIO's servers, the Spilo
 * pods). The pods that may run on any node (cert-manager, the operators, kube-prometheus) come in
 * earlier sync waves and would otherwise take the room on those nodes first, leaving the data
 * services Pending; the scheduler preempts lower-priority pods for a pending pod of higher priority,
 * and their controllers recreate them on other nodes. Ceph's daemons keep Rook's system classes.
 */
export const DATA_PRIORITY_CLASS = { name: 'platform-data', value: 1_000_000 } as const;

/** Kubernetes' built-in classes (pkg/apis/scheduling/types.go: SystemCriticalPriority, node-critical = it + 1000). */
export const SYSTEM_PRIORITY_CLASSES: Readonly<Record<string, number>> = {
  'system-cluster-critical': 2_000_000_000,
  'system-node-critical': 2_000_001_000,
};
