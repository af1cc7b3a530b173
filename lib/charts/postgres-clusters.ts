import { App } from 'cdk8s';
import { AppChart } from '../constructs/app-chart';
import { WAVES } from '../constructs/argocd-sync';
import { PlatformNamespace } from '../constructs/platform-namespace';
import { PostgresCluster } from '../constructs/postgres-cluster';
import { postgresNamespaces } from '../site/defaults';
import type { Site } from '../site/model';

/** The site's `postgresql` clusters and their namespaces (which hold data: never pruned). */
export class PostgresClustersChart extends AppChart {
  constructor(app: App, site: Site) {
    super(app, { name: 'postgres-clusters', wave: WAVES.workloads, description: 'Zalando postgresql clusters (Spilo pods on the postgres nodes)' });
    // baseline, not restricted: Spilo keeps allowPrivilegeEscalation for its cron (spilo_allow_privilege_escalation)
    for (const ns of postgresNamespaces(site)) new PlatformNamespace(this, `Namespace-${ns}`, { name: ns, enforce: 'baseline', holdsData: true });
    for (const pg of site.postgres.clusters) new PostgresCluster(this, pg.name, pg);
  }
}
