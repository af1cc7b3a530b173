import { describe, expect, test } from 'vitest';
import { postgresOperator } from '../../lib/components/postgres-operator';
import { UPSTREAM, loadUpstreamYaml } from '../../lib/upstream';
import type { Site } from '../../lib/site/model';
import { objectOf, renderComponent } from './support/render';
import { cluster, minimalSite } from './support/site';

/** The postgres-operator component alone, on minimal sites of the runbook-2023 train (its operator v1.9.0). */
const site = minimalSite({ postgres: { operator: { ui: true }, clusters: [cluster()] } });
const rendered = (s: Site) => renderComponent(postgresOperator, s);
const objects = rendered(site);
const upstream = (file: (typeof UPSTREAM.zalando)[keyof typeof UPSTREAM.zalando]) => loadUpstreamYaml(file);

describe('operator ConfigMap', () => {
  const data = objectOf(objects, 'ConfigMap', 'postgres-operator').data ?? {};
  test("pins the train's Spilo image (the runbook's minor upgrade, 2.1-p9 -> 3.0-p1)", () => {
    expect(data.docker_image).toBe('ghcr.io/zalando/spilo-15:3.0-p1');
  });
  test('leaves the CRDs to ArgoCD', () => {
    expect(data.enable_crd_registration).toBe('false');
  });
  test('turns off what code defaults turn on off-Zalando', () => {
    expect(data.enable_teams_api).toBe('false');
    expect(data.enable_master_load_balancer).toBe('false');
  });
  test('runs Spilo as 101/103/103 by default and enables delete protection', () => {
    expect([data.spilo_runasuser, data.spilo_runasgroup, data.spilo_fsgroup]).toEqual(['101', '103', '103']);
    expect([data.delete_annotation_date_key, data.delete_annotation_name_key]).toEqual([
      'delete-date',
      'delete-clustername',
    ]);
  });
  test('watches the one namespace holding clusters, or all of them when there are several', () => {
    expect(data.watched_namespace).toBe('postgres');
    const two = minimalSite({ postgres: { clusters: [cluster(), cluster('acid-other', { namespace: 'analytics' })] } });
    expect(objectOf(rendered(two), 'ConfigMap', 'postgres-operator').data?.watched_namespace).toBe('*');
  });
  test('keeps the upstream example settings it does not override, and drops its placeholders', () => {
    expect(data.pod_role_label).toBe('spilo-role');
    expect(data.cluster_labels).toBe('application:spilo');
    expect(data).not.toHaveProperty('logical_backup_s3_bucket');
    expect(data).not.toHaveProperty('db_hosted_zone');
  });
  test('every value is a string, as the operator reads them', () => {
    for (const v of Object.values(data)) expect(typeof v).toBe('string');
  });
});

describe('operator Deployment', () => {
  const dep = objectOf(objects, 'Deployment', 'postgres-operator');
  const pod = dep.spec?.template.spec;
  const container = pod?.containers[0];
  test('runs the pinned operator image with its ConfigMap', () => {
    expect(container?.image).toBe('registry.opensource.zalan.do/acid/postgres-operator:v1.9.0');
    expect(container?.env).toEqual([{ name: 'CONFIG_MAP_NAME', value: 'postgres-operator' }]);
    expect(pod?.serviceAccountName).toBe('postgres-operator');
  });
  test('is hardened as in the runbook: uid 1000, non-root, read-only root, no escalation', () => {
    expect(container?.securityContext).toMatchObject({
      runAsUser: 1000,
      runAsNonRoot: true,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
    });
    expect(container?.securityContext?.capabilities).toEqual({ drop: ['ALL'] });
  });
  test('has limits 500m/500Mi and requests 100m/250Mi', () => {
    expect(container?.resources).toEqual({
      limits: { cpu: '500m', memory: '500Mi' },
      requests: { cpu: '100m', memory: '250Mi' },
    });
  });
  test('rolls when its configuration changes (it reads the ConfigMap once at start)', () => {
    const checksum = (s: Site) =>
      objectOf(rendered(s), 'Deployment', 'postgres-operator').spec?.template.metadata?.annotations?.[
        'checksum/config'
      ];
    expect(checksum(site)).toMatch(/^[0-9a-f]{64}$/);
    const moved = minimalSite({
      postgres: { operator: { ui: true }, clusters: [cluster('acid-main', { namespace: 'db' })] },
    });
    expect(checksum(moved)).not.toBe(checksum(site));
  });
});

describe('operator RBAC and CRD', () => {
  const crdGroup = (r: { readonly apiGroups?: readonly string[] }) => r.apiGroups?.includes('apiextensions.k8s.io');
  test('ships the pinned postgresql CRD unchanged', () => {
    const name = 'postgresqls.acid.zalan.do';
    expect(objectOf(objects, 'CustomResourceDefinition', name).spec).toEqual(
      objectOf(upstream(UPSTREAM.zalando.postgresqlCrd), 'CustomResourceDefinition', name).spec,
    );
  });
  test('grants the upstream rules, with only read access to CRDs since registration is off', () => {
    const rules = objectOf(objects, 'ClusterRole', 'postgres-operator').rules ?? [];
    const up = objectOf(upstream(UPSTREAM.zalando.rbac), 'ClusterRole', 'postgres-operator').rules ?? [];
    expect(rules).toHaveLength(up.length);
    expect(rules.find(crdGroup)?.verbs).toEqual(['get']);
    expect(rules.filter((r) => !crdGroup(r))).toEqual(up.filter((r) => !crdGroup(r)));
  });
  test('binds the operator ClusterRole to its ServiceAccount in its namespace', () => {
    expect(objectOf(objects, 'ClusterRoleBinding', 'postgres-operator').subjects).toEqual([
      { apiGroup: '', kind: 'ServiceAccount', name: 'postgres-operator', namespace: 'postgres-operator' },
    ]);
  });
  test('ships the postgres-pod role the operator binds for Spilo pods', () => {
    expect(objectOf(objects, 'ClusterRole', 'postgres-pod').rules).toEqual(
      objectOf(upstream(UPSTREAM.zalando.rbac), 'ClusterRole', 'postgres-pod').rules,
    );
  });
  test('exposes the operator API on 8080 for the UI', () => {
    expect(objectOf(objects, 'Service', 'postgres-operator').spec?.ports).toEqual([
      { name: 'http', port: 8080, protocol: 'TCP', targetPort: 8080 },
    ]);
  });
  test('runs in a namespace enforcing Pod Security restricted', () => {
    expect(
      objectOf(objects, 'Namespace', 'postgres-operator').metadata.labels?.['pod-security.kubernetes.io/enforce'],
    ).toBe('restricted');
  });
});

describe('operator UI (a site option)', () => {
  test('is rendered when asked for, read-only: the UI cannot create clusters ArgoCD would revert', () => {
    for (const r of objectOf(objects, 'ClusterRole', 'postgres-operator-ui').rules ?? [])
      expect(r.verbs.every((v) => ['get', 'list', 'watch'].includes(v))).toBe(true);
    const env = objectOf(objects, 'Deployment', 'postgres-operator-ui').spec?.template.spec?.containers[0].env;
    expect(env).toContainEqual({
      name: 'OPERATOR_API_URL',
      value: 'http://postgres-operator.postgres-operator.svc:8080',
    });
    expect(env).toContainEqual({ name: 'TEAMS', value: '["acid"]' });
  });
  test('is absent when the site does not ask for it', () => {
    expect(rendered(minimalSite()).some((o) => o.metadata.name === 'postgres-operator-ui')).toBe(false);
  });
});
