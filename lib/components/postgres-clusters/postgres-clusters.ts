import { App } from 'cdk8s';
import { KubeConfigMap } from '../../../imports/k8s';
import { EXPORTER, queriesConfigMap, queriesYaml } from '../monitoring/exporter';
import { AppChart } from '../../constructs/app-chart';
import { PlatformNamespace } from '../../constructs/platform-namespace';
import { PostgresCluster, type PostgresClusterProps } from './postgres-cluster';

/** The Application (and dist folder) of the clusters and their namespaces. */
export const POSTGRES_CLUSTERS_APP = 'postgres-clusters';

export interface PostgresClustersProps {
  /** The clusters' namespaces, each once. */
  readonly namespaces: readonly string[];
  /** The postgres-operator version that makes the Spilo pods (the catalog's), named in the namespaces' Pod Security reason. */
  readonly operatorVersion: string;
  /** Each cluster, with what the site adds to it (exporter, tolerations, backup environment). */
  readonly clusters: readonly PostgresClusterProps[];
  /** The site is monitored: each namespace gets the exporter's queries ConfigMap. */
  readonly monitored: boolean;
}

/**
 * The site's `postgresql` clusters and their namespaces (which hold data: never pruned), with the exporter's queries
 * when monitored.
 */
export class PostgresClustersChart extends AppChart {
  constructor(scope: App, id: string, props: PostgresClustersProps) {
    super(scope, id, { description: 'Zalando postgresql clusters (Spilo pods on the postgres nodes)' });
    for (const ns of props.namespaces) {
      new PlatformNamespace(this, `Namespace-${ns}`, {
        name: ns,
        enforce: 'baseline',
        holdsData: true,
        reason: `postgres-operator ${props.operatorVersion} cannot make restricted Spilo pods: it sets only runAsUser/runAsGroup/fsGroup in their securityContext (no runAsNonRoot, no seccompProfile), drops no capabilities, and a CR's sidecars (the exporter) have no securityContext field; Spilo also keeps allowPrivilegeEscalation for its cron (spilo_allow_privilege_escalation)`,
      });
      if (props.monitored) {
        new KubeConfigMap(this, `ExporterQueries-${ns}`, {
          metadata: { name: queriesConfigMap(ns), namespace: ns },
          data: { [EXPORTER.queriesFile]: queriesYaml() },
        });
      }
    }
    for (const cluster of props.clusters) new PostgresCluster(this, cluster.spec.name, cluster);
  }
}
