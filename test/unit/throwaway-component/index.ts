import type { App } from 'cdk8s';
import { IntOrString, KubeDeployment, KubeService } from '../../../imports/k8s';
import type { Component } from '../../../lib/components/component';
import { AppChart } from '../../../lib/constructs/app-chart';
import { WAVES } from '../../../lib/constructs/argocd-sync';
import { PlatformNamespace } from '../../../lib/constructs/platform-namespace';
import { HARDENED_POD, hardenedContainer } from '../../../lib/constructs/hardening';

/**
 * A made-up component in one folder, as docs/adding-a-component.md walks through it: a pgAdmin Deployment and its
 * Service in their own namespace (test/unit/throwaway-component.test.ts renders it beside the registry's). Nothing
 * outside this folder names it.
 */
const NAME = 'pgadmin';
const PORT = 8080;
const IMAGE = 'docker.io/dpage/pgadmin4:9.10';
const selector = { 'app.kubernetes.io/name': NAME };

class PgAdminChart extends AppChart {
  constructor(scope: App, id: string) {
    super(scope, id, { namespace: NAME, description: 'pgAdmin, a web UI for the Postgres clusters' });
    new PlatformNamespace(this, 'Namespace', { name: NAME, enforce: 'restricted' });
    new KubeDeployment(this, 'Deployment', {
      metadata: { name: NAME, namespace: NAME },
      spec: {
        replicas: 1,
        selector: { matchLabels: selector },
        template: {
          metadata: { labels: selector },
          spec: {
            securityContext: HARDENED_POD,
            containers: [
              {
                name: NAME,
                image: IMAGE,
                ports: [{ name: 'http', containerPort: PORT }],
                securityContext: hardenedContainer(5050),
              },
            ],
          },
        },
      },
    });
    new KubeService(this, 'Service', {
      metadata: { name: NAME, namespace: NAME },
      spec: { selector, ports: [{ name: 'http', port: 80, targetPort: IntOrString.fromNumber(PORT) }] },
    });
  }
}

export const pgadmin: Component = {
  name: NAME,
  summary: 'pgAdmin, a web UI for the Postgres clusters (a test component)',
  enabledWhen: 'a cluster with `enableConnectionPooler`',
  waves: { [NAME]: WAVES.workloads },
  // a made-up rule: pgAdmin reaches the clusters through their poolers
  enabled: (site) => site.postgres.clusters.some((c) => c.enableConnectionPooler === true),
  charts: (app) => [new PgAdminChart(app, NAME)],
  validate: (site) =>
    site.postgres.clusters.length > 0
      ? []
      : [{ path: 'postgres.clusters', message: 'pgAdmin needs a cluster to show' }],
};
