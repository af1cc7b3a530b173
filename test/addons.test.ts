import { field } from '../lib/core/impact';
import { ofKind } from './support/kinds';
import type { KubeObject } from '../lib/core/objects';
import { loadAll } from 'js-yaml';
import { describe, expect, test } from 'vitest';
import { argoCdInstallUrl } from '../lib/bootstrap/argocd';
import { SchemaValidator } from '../lib/check/schema-validator';
import { nodeTaints } from '../lib/site/roles';
import { UPSTREAM, loadUpstreamYaml } from '../lib/upstream';
import { lab } from '../sites/lab';
import { poc } from '../sites/poc';
import { hasStep, stepScript, userData, writtenFile } from './support/bootstrap';
import { labOnFlannel, objectOf, renderedApps, withSite } from './support/render';

const FLANNEL = '/usr/local/lib/host-bootstrap/kube-flannel.yml';
const ROOT_APP = '/usr/local/lib/host-bootstrap/argocd-root-application.yaml';
const flannelDocs = (site: typeof poc) =>
  loadAll(writtenFile(userData(site, site.nodes[0].name), FLANNEL)) as KubeObject[];
const netConf = (docs: KubeObject[]): unknown => JSON.parse(ofKind(docs, 'ConfigMap')[0].data['net-conf.json']);

describe('Flannel v0.22.0 on the first control plane', () => {
  test("its Network is the site's pod subnet, the one kubeadm was given", () => {
    expect(netConf(flannelDocs(poc))).toEqual({ Network: '10.244.0.0/16', Backend: { Type: 'vxlan' } });
    const other = withSite(poc, (s) => {
      s.kubernetes.podSubnet = '10.32.0.0/16';
    });
    expect(field(netConf(flannelDocs(other)), 'Network')).toBe('10.32.0.0/16');
  });

  test('is the pinned upstream manifest, unchanged besides the Network', () => {
    const upstream = loadUpstreamYaml(UPSTREAM.flannel);
    const ours = flannelDocs(poc);
    expect(ours.map((d) => `${d.kind}/${d.metadata.name}`)).toEqual(
      upstream.map((d) => `${d.kind}/${d.metadata.name}`),
    );
    expect(ours.filter((d) => d.kind !== 'ConfigMap')).toEqual(upstream.filter((d) => d.kind !== 'ConfigMap'));
    const images = JSON.stringify(ours).match(/docker\.io\/flannel\/flannel:[^"]+/g);
    expect(new Set(images)).toEqual(new Set(['docker.io/flannel/flannel:v0.22.0']));
  });

  test('every object is valid against the Kubernetes 1.26 schema', () => {
    const validator = new SchemaValidator('1.26.0');
    for (const d of flannelDocs(poc)) expect(validator.validate(d), `${d.kind}/${d.metadata.name}`).toEqual([]);
  });

  test('runs on every node: its DaemonSet tolerates every taint the bootstrap sets', () => {
    const [ds] = ofKind(flannelDocs(labOnFlannel), 'DaemonSet');
    const tolerations: { operator: string; effect?: string; key?: string }[] = ds.spec.template.spec.tolerations;
    for (const taint of lab.nodes.flatMap(nodeTaints)) {
      expect(
        tolerations.some(
          (t) => t.operator === 'Exists' && !t.key && (t.effect === undefined || t.effect === taint.effect),
        ),
      ).toBe(true);
    }
  });

  test("is not applied on a Canal site (lab): Canal's DaemonSet runs Flannel itself", () => {
    expect(hasStep(userData(lab, 'lab-cp1'), '50-apply-flannel')).toBe(false);
    expect(hasStep(userData(labOnFlannel, 'lab-cp1'), '50-apply-flannel')).toBe(true);
  });

  test('is applied from the file cloud-init wrote, after kubeadm init', () => {
    const ud = userData(poc, 'debian-cp');
    expect(stepScript(ud, '50-apply-flannel')).toContain(
      `export KUBECONFIG=/etc/kubernetes/admin.conf\nkubectl apply -f ${FLANNEL}\n`,
    );
    expect(ud.runcmd.indexOf('/usr/local/lib/host-bootstrap/40-kubeadm-init.sh')).toBeLessThan(
      ud.runcmd.indexOf('/usr/local/lib/host-bootstrap/50-apply-flannel.sh'),
    );
  });

  test('workers have no Flannel step (its DaemonSet reaches them)', () => {
    expect(hasStep(userData(poc, 'dnumworker1'), '50-apply-flannel')).toBe(false);
  });
});

describe('ArgoCD v2.7.7 and the root Application', () => {
  const ud = userData(poc, 'debian-cp');
  const script = stepScript(ud, '60-install-argocd');

  test('installs the pinned v2.7.7 manifest, not `stable`', () => {
    expect(argoCdInstallUrl(poc)).toBe(
      'https://raw.githubusercontent.com/argoproj/argo-cd/v2.7.7/manifests/install.yaml',
    );
    expect(script).toContain(`curl -fsSL --retry 5 -o "$install_yaml" '${argoCdInstallUrl(poc)}'`);
    expect(script).toContain('kubectl apply -n argocd -f "$install_yaml"');
  });

  test('client-side apply (the documented install) works: each pinned v2.7.7 CRD fits the 256 KiB last-applied annotation', () => {
    for (const crd of [
      UPSTREAM.argocd.applicationCrd,
      UPSTREAM.argocd.applicationSetCrd,
      UPSTREAM.argocd.appProjectCrd,
    ]) {
      expect(JSON.stringify(loadUpstreamYaml(crd)[0]).length, crd.path).toBeLessThan(262_144);
    }
    expect(script).not.toMatch(/--server-side/);
  });

  test('applies the root Application once its CRD is established', () => {
    const wait = script.indexOf('kubectl wait --for condition=established --timeout=300s crd/applications.argoproj.io');
    expect(wait).toBeGreaterThan(script.indexOf('kubectl apply -n argocd'));
    expect(script.indexOf(`kubectl apply -f ${ROOT_APP}`)).toBeGreaterThan(wait);
  });

  test("the root Application is dist/poc/argocd's poc-root (but the chart's part-of label, which its first sync adds)", () => {
    // the file holds the root's bootstrap project and the emptied default project first (test/argocd.test.ts)
    const [ours] = ofKind(loadAll(writtenFile(ud, ROOT_APP)) as KubeObject[], 'Application');
    const { labels: _chartLabel, ...metadata } = objectOf(
      renderedApps(poc),
      'argocd',
      'Application',
      'poc-root',
    ).metadata;
    const dist = { ...objectOf(renderedApps(poc), 'argocd', 'Application', 'poc-root'), metadata };
    expect(ours).toEqual(dist);
    expect(ours.spec.source).toEqual({
      repoURL: poc.gitops.repoURL,
      targetRevision: 'poc-argocd',
      path: 'dist/poc/argocd',
    });
  });

  test('comes last, after Flannel', () => {
    expect(ud.runcmd.slice(-4, -2)).toEqual([
      '/usr/local/lib/host-bootstrap/50-apply-flannel.sh',
      '/usr/local/lib/host-bootstrap/60-install-argocd.sh',
    ]);
  });

  test('is a site option: installArgoCd false leaves it out, and it defaults to true', () => {
    expect(
      hasStep(
        userData(
          withSite(poc, (s) => {
            s.bootstrap = { installArgoCd: false };
          }),
          'debian-cp',
        ),
        '60-install-argocd',
      ),
    ).toBe(false);
    expect(
      hasStep(
        userData(
          withSite(poc, (s) => {
            delete s.bootstrap;
          }),
          'debian-cp',
        ),
        '60-install-argocd',
      ),
    ).toBe(true);
  });
});
