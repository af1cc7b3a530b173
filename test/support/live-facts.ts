import type { LiveFacts } from '../../lib/verify/live/facts';

/** A cluster as the live data plane finds it when everything holds: two instances, one leader, one replica streaming. */
export const HEALTHY_CLUSTER: LiveFacts = {
  cluster: 'postgres/acid-a',
  leader: { pod: 'acid-a-0', ip: '10.244.0.3' },
  masterEndpoints: ['10.244.0.3'],
  streaming: ['acid-a-1'],
  instances: 2,
  standby: false,
  status: 'Running',
  backups: { count: 1, newest: 'base_000000010000000000000004' },
  clientAccess: { master: true, replicaRead: true, checked: ['app@app'] },
  missingMetrics: [],
  exporterUp: true,
  problems: [],
};
