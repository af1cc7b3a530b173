import type { Rendered } from './support/kinds';
import { load } from 'js-yaml';
import { describe, expect, test } from 'vitest';
import { KUBEADM_CONFIG } from '../lib/bootstrap/kubeadm';
import { KUBE_VIP_MANIFEST, KUBE_VIP_STAGED } from '../lib/bootstrap/kube-vip';
import { SchemaValidator } from '../lib/check/schema-validator';
import { validateSite } from '../lib/components/validate';
import { catalogOf } from '../lib/site/catalog';
import { lab } from '../sites/lab';
import { poc } from '../sites/poc';
import { stepScript, userData, writtenFile } from './support/bootstrap';
import { withSite } from './support/render';

/** poc with three control planes behind the virtual IP 10.10.10.29. */
const ha = withSite(poc, (s) => {
  s.kubernetes.controlPlaneEndpoint = '10.10.10.29:6443';
  s.kubernetes.vipInterface = 'ens18';
  s.nodes.splice(
    1,
    0,
    { ...s.nodes[0], name: 'debian-cp2', address: '10.10.10.27' },
    { ...s.nodes[0], name: 'debian-cp3', address: '10.10.10.28' },
  );
});
const issuesOf = (site: unknown) => validateSite(site).map((i) => `${i.path}: ${i.message}`);

describe('HA control plane on a virtual IP (kube-vip v0.6.2 static Pod)', () => {
  const pod = load(writtenFile(userData(ha, 'debian-cp'), KUBE_VIP_MANIFEST)) as Rendered<'Pod'>;

  test('the first control plane starts kube-vip with its static Pods, before kubeadm init', () => {
    const env = Object.fromEntries(
      pod.spec.containers[0].env.map((e: { name: string; value: string }) => [e.name, e.value]),
    );
    expect(env).toMatchObject({
      address: '10.10.10.29',
      port: '6443',
      vip_interface: 'ens18',
      vip_arp: 'true',
      cp_enable: 'true',
      vip_leaderelection: 'true',
      vip_cidr: '32',
    });
    expect(env.svc_enable).toBeUndefined();
    expect(pod.spec.containers[0].image).toBe(catalogOf(ha).images.kubeVip);
    expect(pod.spec.containers[0].image).toBe('ghcr.io/kube-vip/kube-vip:v0.6.2');
    expect(pod.spec.containers[0].securityContext.capabilities.add).toEqual(['NET_ADMIN', 'NET_RAW']);
    expect(pod.spec.hostNetwork).toBe(true);
    expect(pod.spec.volumes).toEqual([{ name: 'kubeconfig', hostPath: { path: '/etc/kubernetes/admin.conf' } }]);
    expect(pod.spec.hostAliases).toEqual([{ hostnames: ['kubernetes'], ip: '127.0.0.1' }]);
    expect(stepScript(userData(ha, 'debian-cp'), '40-kubeadm')).toMatch(
      /kubeadm init --config "\$config" --upload-certs --skip-certificate-key-print --skip-token-print\n$/,
    );
  });

  test('is a valid core/v1 Pod of the pinned Kubernetes schema', () => {
    expect(new SchemaValidator('1.26.0').validate(pod)).toEqual([]);
  });

  test('the other control planes join as control planes with the certificate-key placeholder, then add kube-vip', () => {
    const ud = userData(ha, 'debian-cp2');
    const join = load(writtenFile(ud, KUBEADM_CONFIG)) as any;
    expect(join.controlPlane).toEqual({
      localAPIEndpoint: { advertiseAddress: '10.10.10.27', bindPort: 6443 },
      certificateKey: '<KUBEADM_CERTIFICATE_KEY>',
    });
    expect(join.discovery.bootstrapToken.apiServerEndpoint).toBe('10.10.10.29:6443');
    expect(ud.write_files.some((f) => f.path === KUBE_VIP_MANIFEST)).toBe(false);
    expect(writtenFile(ud, KUBE_VIP_STAGED)).toBe(writtenFile(userData(ha, 'debian-cp'), KUBE_VIP_MANIFEST));
    expect(stepScript(ud, '40-kubeadm')).toMatch(
      /kubeadm join --config "\$config"\ninstall -m 0600 \S+kube-vip\.yaml \/etc\/kubernetes\/manifests\/kube-vip\.yaml\n$/,
    );
  });

  test('workers get no kube-vip, and a single control plane on its own address neither', () => {
    expect(userData(ha, 'dnumworker1').write_files.some((f) => /kube-vip/.test(f.path))).toBe(false);
    expect(userData(poc, 'debian-cp').write_files.some((f) => /kube-vip/.test(f.path))).toBe(false);
  });

  test('an air-gapped site pulls it from its mirror (lab: 3 control planes on 10.20.0.9)', () => {
    const labPod = load(writtenFile(userData(lab, 'lab-cp1'), KUBE_VIP_MANIFEST)) as Rendered<'Pod'>;
    expect(labPod.spec.containers[0].image).toBe(`${lab.mirrors!.registry}/${catalogOf(lab).images.kubeVip}`);
    expect(labPod.spec.containers[0].imagePullPolicy).toBe('IfNotPresent');
  });

  test('validation: a virtual IP needs its interface; an interface without one is refused', () => {
    expect(
      issuesOf(
        withSite(ha, (s) => {
          delete s.kubernetes.vipInterface;
        }),
      ),
    ).toEqual([
      "kubernetes.vipInterface: 10.10.10.29 is a virtual IP that no node has: kube-vip announces it from the control planes by ARP and needs their network interface ('ip -br addr' on a control plane, e.g. 'ens18'): set vipInterface",
    ]);
    expect(
      issuesOf(
        withSite(poc, (s) => {
          s.kubernetes.vipInterface = 'ens18';
        }),
      ),
    ).toEqual([
      'kubernetes.vipInterface: kubernetes.controlPlaneEndpoint is not a virtual IP (an IPv4 address of no node, in front of several control planes): nothing announces one; remove vipInterface',
    ]);
    expect(issuesOf(ha)).toEqual([]);
  });
});
