import { App } from 'cdk8s';
import { KubeConfigMap } from '../../imports/k8s';
import { EXPORTER, queriesConfigMap, queriesYaml } from '../monitoring/exporter';
import { AppChart } from '../constructs/app-chart';
import { WAVES } from '../constructs/argocd-sync';
import { PlatformNamespace } from '../constructs/platform-namespace';
import { PostgresCluster } from '../constructs/postgres-cluster';
import { clusterBackupEnvironment } from './wal-g-settings';
import { postgresNamespaces } from '../site/postgres-names';
import { catalogOf } from '../site/catalog';
import type { Site } from '../site/model';
import { sharedNodeTolerations } from '../site/roles';

/** The Application (and dist folder) of the clusters and their namespaces. */
export const POSTGRES_CLUSTERS_APP = 'postgres-clusters';

/** The site's `postgresql` clusters and their namespaces (which hold data: never pruned), with the exporter's queries when monitored. */
export class PostgresClustersChart extends AppChart {
  constructor(app: App, site: Site) {
    super(app, { name: POSTGRES_CLUSTERS_APP, wave: WAVES.workloads, description: 'Zalando postgresql clusters (Spilo pods on the postgres nodes)' });
    const monitored = site.monitoring !== undefined;
    for (const ns of postgresNamespaces(site)) {
      new PlatformNamespace(this, `Namespace-${ns}`, { name: ns, enforce: 'baseline', holdsData: true, reason: "postgres-operator v1.9.0 cannot make restricted Spilo pods: it sets only runAsUser/runAsGroup/fsGroup in their securityContext (no runAsNonRoot, no seccompProfile), drops no capabilities, and a CR's sidecars (the exporter) have no securityContext field; Spilo also keeps allowPrivilegeEscalation for its cron (spilo_allow_privilege_escalation)" });
      if (monitored) {
        new KubeConfigMap(this, `ExporterQueries-${ns}`, { metadata: { name: queriesConfigMap(ns), namespace: ns }, data: { [EXPORTER.queriesFile]: queriesYaml() } });
      }
    }
    // nodes shared with the storage role keep its taint: the Spilo pods tolerate it there
    const tolerations = sharedNodeTolerations(site, 'postgres');
    for (const pg of site.postgres.clusters) {
      new PostgresCluster(this, pg.name, pg, monitored ? catalogOf(site).images.postgresExporter : undefined, tolerations, clusterBackupEnvironment(site, pg));
    }
  }
}
