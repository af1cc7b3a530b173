import { describe, expect, test } from 'vitest';
import { renderHostBootstrap } from '../lib/bootstrap/host-bootstrap';
import { kubeadmPlans } from '../lib/diff/kubeadm-plan';
import type { Site } from '../lib/site/model';
import { lab } from '../sites/lab';
import { poc } from '../sites/poc';
import { withSite } from './support/render';

/** host-bootstrap/ of a site, as `npm run diff` reads it (`<site>/<node>.yaml`). */
const host = (site: Site) => new Map([...renderHostBootstrap(site)].map(([f, text]) => [`${site.name}/${f}`, text]));

/** The plan `npm run diff` prints for a change of a site from `before` to `after`. */
const plan = (before: Site, after: Site) => kubeadmPlans({ before: host(before), after: host(after) });

const version = (site: Site, v: string, more: (s: Site) => void = () => {}) =>
  withSite(site, (s) => {
    s.kubernetes.version = v;
    more(s);
  });

/** The index of the first line of `lines` that contains `text` (-1: none). */
const at = (lines: readonly string[], text: string) => lines.findIndex((l) => l.includes(text));

describe('the kubeadm upgrade plan of a Kubernetes version change (npm run diff)', () => {
  test('nothing when no node changes its Kubernetes', () => {
    expect(plan(poc, poc)).toEqual([]);
  });

  test('a patch release on lab: the first control plane applies it, then the other control planes, then the workers, named', () => {
    const lines = plan(
      lab,
      version(lab, '1.36.6', (s) => (s.kubernetes.packageVersion = '1.36.6-1.1')),
    );
    expect(lines[1]).toMatch(
      /^kubeadm upgrade plan, lab: Kubernetes 1\.36\.5 → 1\.36\.6, in this order .*kubelet never newer than the API server/,
    );
    expect(lines).toContain('  1. the first control plane: lab-cp1');
    expect(lines).toContain('  2. the other control planes, one at a time: lab-cp2, lab-cp3');
    expect(lines[at(lines, '  3. the workers, one at a time: ')]).toMatch(
      /lab-pg1, lab-pg2, lab-pg3.*\(Postgres on lab-pg1, lab-pg2, lab-pg3: drain a replica's node before its primary's/,
    );
    const order = [
      '       kubeadm upgrade plan',
      'kubeadm upgrade apply v1.36.6 --patches /etc/kubernetes/patches',
      'kubectl uncordon lab-cp1',
      '  2. the other control planes',
      'kubeadm upgrade node --patches /etc/kubernetes/patches',
      '  3. the workers',
    ].map((t) => at(lines, t));
    expect(order.every((i, k) => i >= 0 && (k === 0 || i > order[k - 1]))).toBe(true);
    const workers = lines.slice(at(lines, '  3. the workers'));
    expect(workers.slice(1).map((l) => l.trim())).toEqual([
      'apt-mark unhold kubeadm && apt-get install -y kubeadm=1.36.6-1.1 && apt-mark hold kubeadm',
      'kubeadm upgrade node',
      'kubectl drain <node> --ignore-daemonsets',
      'apt-mark unhold kubelet kubectl && apt-get install -y kubelet=1.36.6-1.1 kubectl=1.36.6-1.1 && apt-mark hold kubelet kubectl',
      'systemctl daemon-reload && systemctl restart kubelet',
      'kubectl uncordon <node>',
    ]);
    expect(at(lines, 'pkgs.k8s.io'), 'a patch release stays in its minor repository').toBe(-1);
  });

  test("a minor upgrade switches each node's pkgs.k8s.io repository before its kubeadm", () => {
    const lines = plan(poc, version(poc, '1.27.3'));
    const repository = at(lines, 'https://pkgs.k8s.io/core:/stable:/v1.27/deb/');
    expect(repository).toBeGreaterThan(at(lines, '  1. the first control plane: debian-cp'));
    expect(repository).toBeLessThan(at(lines, 'kubeadm=1.27.3-1.1'));
    expect(lines).toContain('       kubeadm upgrade apply v1.27.3 --patches /etc/kubernetes/patches');
  });

  test('a worker pinned to its older kubelet stays out of the plan, said so; a new node joins after', () => {
    const lines = plan(
      poc,
      version(poc, '1.27.3', (s) => {
        s.nodes[2].kubeletVersion = '1.26.2';
        s.nodes.push({ ...s.nodes[1], name: 'dnumworker9', address: '10.10.10.39' });
      }),
    );
    expect(lines[at(lines, 'the workers')]).not.toMatch(/dnumworker2|dnumworker9/);
    expect(lines).toContain(
      '  stay at their pinned kubelet (kubeletVersion), older than the API server, which the skew policy allows: dnumworker2 1.26.2',
    );
    expect(lines).toContain('  join at 1.27.3 from their cloud-init once the control planes run it: dnumworker9');
  });

  test('a worker kept behind catches up in a later commit: only it is in the plan', () => {
    const upgraded = version(poc, '1.27.3');
    const behind = withSite(upgraded, (s) => {
      s.nodes[2].kubeletVersion = '1.26.2';
    });
    const lines = plan(behind, upgraded);
    expect(lines[1]).toMatch(/^kubeadm upgrade plan, poc: Kubernetes 1\.27\.3, the nodes behind it, in this order/);
    expect(lines.filter((l) => /^ {2}\d\. /.test(l))).toEqual([
      "  1. the workers: dnumworker2 (Postgres on dnumworker2: drain a replica's node before its primary's, 'kubectl get pods -A -l spilo-role -o wide')",
    ]);
    expect(lines).toContain('       kubectl drain dnumworker2 --ignore-daemonsets');
  });

  test('no plan for a step kubeadm does not take: a skipped minor or a downgrade', () => {
    const skipped = new Map([...host(poc)].map(([f, t]) => [f, t.replaceAll('1.26.2-1.1', '1.28.1-1.1')]));
    expect(kubeadmPlans({ before: host(poc), after: skipped })).toEqual([
      '',
      'kubeadm upgrade plan, poc: Kubernetes 1.26.2 → 1.28.1: none, it is not one kubeadm step (one minor at a time, forward only; kubernetes/website:content/en/docs/tasks/administer-cluster/kubeadm/kubeadm-upgrade.md)',
    ]);
    expect(plan(version(poc, '1.27.3'), poc)[1]).toMatch(
      /Kubernetes 1\.27\.3 → 1\.26\.2: none, it is not one kubeadm step/,
    );
  });
});
