import { podSpecOf } from './support/kinds';
import { describe, expect, test } from 'vitest';
import { podSecurityViolations } from '../lib/check/pod-security';
import { podTemplateOf } from '../lib/core/workloads';
import { imagesOf } from '../lib/core/images';
import { poc } from '../sites/poc';
import { catalogOf } from '../lib/site/catalog';
import { chartsOf, loadRenderedChart } from '../lib/upstream';
import { objectOf, renderedApps, type K8sObject } from './support/render';

const apps = renderedApps(poc);
const objects = apps.get('cert-manager')!;
const { versions: VERSIONS } = catalogOf(poc);
const chart = loadRenderedChart(chartsOf(VERSIONS).certManager);
const workloads = (list: readonly K8sObject[]) => list.filter((o) => o.kind === 'Deployment' || o.kind === 'Job');
const annotations = (o: K8sObject) => o.metadata.annotations ?? {};

describe('cert-manager v1.12.17: the pinned chart rendered at import time (imports/rendered/)', () => {
  test("assembled as upstream's release build does: the tag as appVersion (image tags), the CRDs with installCRDs", () => {
    const images = chart.flatMap((o) => imagesOf(o).map((i) => i.image));
    // since 1.10 the chart writes the ACME solver image into the controller's arguments
    expect([...new Set(images)].sort()).toEqual(
      ['acmesolver', 'controller', 'ctl', 'cainjector', 'webhook']
        .map((c) => `quay.io/jetstack/cert-manager-${c}:${VERSIONS.certManager}`)
        .sort(),
    );
    expect(
      chart
        .filter((o) => o.kind === 'CustomResourceDefinition')
        .map((o) => o.metadata.name)
        .sort(),
    ).toEqual([
      'certificaterequests.cert-manager.io',
      'certificates.cert-manager.io',
      'challenges.acme.cert-manager.io',
      'clusterissuers.cert-manager.io',
      'issuers.cert-manager.io',
      'orders.acme.cert-manager.io',
    ]);
    // no PodSecurityPolicy (gone since 1.25), and leader election in its own namespace
    expect(chart.some((o) => o.kind === 'PodSecurityPolicy')).toBe(false);
    expect(chart.filter((o) => o.kind === 'Role').map((o) => o.metadata.namespace)).toEqual(
      chart.filter((o) => o.kind === 'Role').map(() => 'cert-manager'),
    );
  });

  test("the chart's four pods pass Pod Security restricted since 1.10 (seccomp RuntimeDefault, every capability dropped), with no resources and a writable root", () => {
    const upstream = workloads(chart as K8sObject[]);
    expect(upstream.map((o) => o.metadata.name).sort()).toEqual([
      'cert-manager',
      'cert-manager-cainjector',
      'cert-manager-startupapicheck',
      'cert-manager-webhook',
    ]);
    for (const o of upstream) {
      const spec = podTemplateOf(o)!.spec;
      const pod = podSpecOf(spec);
      expect(podSecurityViolations(spec, 'restricted'), o.metadata.name).toEqual([]);
      expect(pod.containers[0].resources ?? {}, o.metadata.name).toEqual({});
      expect(pod.containers[0].securityContext.readOnlyRootFilesystem, o.metadata.name).toBeUndefined();
    }
  });

  test('dist/poc/cert-manager: every object of the chart, each pod passing restricted, in a restricted namespace', () => {
    expect(
      objects
        .filter((o) => o.kind !== 'Namespace')
        .map((o) => `${o.kind}/${o.metadata.name}`)
        .sort(),
    ).toEqual(chart.map((o) => `${o.kind}/${o.metadata.name}`).sort());
    expect(
      objectOf(apps, 'cert-manager', 'Namespace', 'cert-manager').metadata.labels?.[
        'pod-security.kubernetes.io/enforce'
      ],
    ).toBe('restricted');
    const ours = workloads(objects);
    expect(ours).toHaveLength(4);
    for (const o of ours) {
      const spec = podTemplateOf(o)!.spec;
      const pod = podSpecOf(spec);
      expect(podSecurityViolations(spec, 'restricted'), o.metadata.name).toEqual([]);
      expect(pod.containers[0].resources.limits, o.metadata.name).toMatchObject({
        cpu: expect.any(String),
        memory: expect.any(String),
      });
    }
  });

  test("startupapicheck and its RBAC are ArgoCD PostSync hooks, ordered as the chart's hook weights order them", () => {
    const hooks = objects.filter((o) => annotations(o)['argocd.argoproj.io/hook']);
    expect(hooks.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'Job/cert-manager-startupapicheck',
      'Role/cert-manager-startupapicheck:create-cert',
      'RoleBinding/cert-manager-startupapicheck:create-cert',
      'ServiceAccount/cert-manager-startupapicheck',
    ]);
    for (const h of hooks) {
      expect(annotations(h)).toMatchObject({
        'argocd.argoproj.io/hook': 'PostSync',
        'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation,HookSucceeded',
      });
      expect(Object.keys(annotations(h)).some((k) => k.startsWith('helm.sh/'))).toBe(false);
    }
    const wave = (kind: string) =>
      Number(annotations(hooks.find((h) => h.kind === kind)!)['argocd.argoproj.io/sync-wave']);
    expect(wave('ServiceAccount')).toBeLessThan(wave('Job'));
  });

  test('its CRDs are applied server-side; the ACME solver image is written out, for the image list and mirrors', () => {
    for (const crd of objects.filter((o) => o.kind === 'CustomResourceDefinition'))
      expect(annotations(crd)['argocd.argoproj.io/sync-options']).toBe('ServerSideApply=true');
    const controller = objectOf(apps, 'cert-manager', 'Deployment', 'cert-manager');
    expect(controller.spec.template.spec.containers[0].args).toContain(
      `--acme-http01-solver-image=quay.io/jetstack/cert-manager-acmesolver:${VERSIONS.certManager}`,
    );
  });
});
