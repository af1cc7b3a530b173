import { Testing } from 'cdk8s';
import { describe, expect, test } from 'vitest';
import { apiServiceAccount, bindClusterRole, bindRole, serviceAccountRef } from '../lib/constructs/rbac';
import { poc } from '../sites/poc';
import { objectOf, renderedApps } from './support/render';

// Whole objects compared with toEqual: a field cdk8s-plus-27 adds by default (secrets, labels,
// automountServiceAccountToken: false, a selector label) fails these tests.
describe('cdk8s-plus-27 RBAC constructs render exactly the fields written here', () => {
  test('an API ServiceAccount: name, namespace and a mounted token, nothing else', () => {
    const chart = Testing.chart();
    apiServiceAccount(chart, 'Account', { name: 'op', namespace: 'ops' });
    expect(Testing.synth(chart)).toEqual([
      {
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: { name: 'op', namespace: 'ops' },
        automountServiceAccountToken: true,
      },
    ]);
  });

  test('a ClusterRoleBinding of the ClusterRole of its name to a ServiceAccount, with the core API group', () => {
    const chart = Testing.chart();
    bindClusterRole(chart, 'Binding', 'op', apiServiceAccount(chart, 'Account', { name: 'op', namespace: 'ops' }));
    expect(Testing.synth(chart).find((o) => o.kind === 'ClusterRoleBinding')).toEqual({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'op' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'op' },
      subjects: [{ apiGroup: '', kind: 'ServiceAccount', name: 'op', namespace: 'ops' }],
    });
  });

  test("a RoleBinding in the Role's namespace to another namespace's ServiceAccount, which is not rendered", () => {
    const chart = Testing.chart();
    bindRole(
      chart,
      'Binding',
      { name: 'read', namespace: 'db' },
      serviceAccountRef(chart, 'Scraper', { name: 'prom', namespace: 'monitoring' }),
    );
    expect(Testing.synth(chart)).toEqual([
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: 'read', namespace: 'db' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'read' },
        subjects: [{ apiGroup: '', kind: 'ServiceAccount', name: 'prom', namespace: 'monitoring' }],
      },
    ]);
  });
});

describe('the POC renders them with its names', () => {
  const apps = renderedApps(poc);
  test("the operator's ServiceAccount mounts its token, and the binding grants it the operator's ClusterRole", () => {
    expect(objectOf(apps, 'postgres-operator', 'ServiceAccount', 'postgres-operator')).toEqual({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: {
        name: 'postgres-operator',
        namespace: 'postgres-operator',
        labels: { 'app.kubernetes.io/part-of': 'postgres-operator' },
      },
      automountServiceAccountToken: true,
    });
    const binding = objectOf(apps, 'postgres-operator', 'ClusterRoleBinding', 'postgres-operator');
    expect([binding.roleRef, binding.subjects]).toEqual([
      { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'postgres-operator' },
      [{ apiGroup: '', kind: 'ServiceAccount', name: 'postgres-operator', namespace: 'postgres-operator' }],
    ]);
  });
  test("Prometheus' RoleBinding in the postgres namespace names kube-prometheus' ServiceAccount", () => {
    expect(objectOf(apps, 'monitoring', 'RoleBinding', 'prometheus-k8s-postgres').subjects).toEqual([
      { apiGroup: '', kind: 'ServiceAccount', name: 'prometheus-k8s', namespace: 'monitoring' },
    ]);
  });
});
