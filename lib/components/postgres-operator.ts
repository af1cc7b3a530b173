import { PostgresOperatorChart } from '../charts/postgres-operator';
import { namespaceIssues } from '../site/names';
import type { Component } from './component';

/** Zalando's postgres-operator: its CRD, configuration, RBAC and Deployment. Every site runs it. */
export const postgresOperator: Component = {
  name: 'postgres-operator',
  enabled: () => true,
  charts: (app, site) => [new PostgresOperatorChart(app, site)],
  validate: (site) => (site.postgres.operator?.namespace === undefined ? [] : namespaceIssues('postgres.operator.namespace', site.postgres.operator.namespace)),
};
