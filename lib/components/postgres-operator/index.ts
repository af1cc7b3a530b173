import { OPERATOR_NAME, OPERATOR_UI, PostgresOperatorChart } from './postgres-operator';
import { OPERATOR_IMPACTS } from './impacts';
import { operatorNamespacePolicies } from '../postgres-clusters/network-policies';
import { backupEnvironment, backupOperatorSettings } from './wal-g-settings';
import { exporterInfrastructureRole } from '../monitoring/exporter';
import { WAVES } from '../../constructs/argocd-sync';
import { byText } from '../../core/order';
import { namespaceIssues } from '../../site/names';
import { resolveSite } from '../../site/resolve';
import type { Component } from '../component';

/** Zalando's postgres-operator: its CRD, configuration, RBAC and Deployment. Every site runs it. */
export const postgresOperator: Component = {
  name: 'postgres-operator',
  summary: "Zalando's postgres-operator: its CRD, configuration, RBAC and Deployment (and UI)",
  enabledWhen: 'always',
  waves: { [OPERATOR_NAME]: WAVES.operators },
  impacts: OPERATOR_IMPACTS,
  enabled: () => true,
  charts: (app, site) => {
    const {
      catalog: { versions, images },
      upstream,
      operatorNamespace,
      postgresNamespaces,
    } = resolveSite(site);
    const chart = new PostgresOperatorChart(app, OPERATOR_NAME, {
      namespace: operatorNamespace,
      version: versions.postgresOperator,
      upstream: upstream.zalando,
      images,
      clusterNamespaces: postgresNamespaces,
      backupSettings: backupOperatorSettings(site, operatorNamespace),
      ...(site.monitoring ? { infrastructureRoles: exporterInfrastructureRole(operatorNamespace) } : {}),
      preserveClientAddresses: site.networkPolicies !== undefined,
      podEnvironment: backupEnvironment(site),
      ...(site.postgres.operator?.ui
        ? { ui: { teams: [...new Set(site.postgres.clusters.map((c) => c.teamId))].sort(byText) } }
        : {}),
    });
    if (site.networkPolicies) operatorNamespacePolicies(chart, site, site.postgres.operator?.ui === true);
    return [chart];
  },
  exposes: [
    {
      key: 'operatorUi',
      service: (site) =>
        site.postgres.operator?.ui
          ? {
              name: 'postgres-operator-ui-external',
              namespace: resolveSite(site).operatorNamespace,
              selector: OPERATOR_UI.selector,
              port: 80,
              targetPort: OPERATOR_UI.port,
            }
          : { missing: 'postgres.operator.ui is off: turn it on or drop the option' },
    },
  ],
  validate: (site) =>
    site.postgres.operator?.namespace === undefined
      ? []
      : namespaceIssues('postgres.operator.namespace', site.postgres.operator.namespace),
};
