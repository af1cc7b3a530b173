import { parse } from 'smol-toml';
import { describe, expect, test } from 'vitest';
import { siteImage } from '../lib/site/mirrors';
import { SITES } from '../lib/sites';
import { stepScript, userData, writtenFile, kubeadmDocs } from './support/bootstrap';

const nodes = SITES.flatMap((site) => site.nodes.map((n) => [`${site.name}/${n.name}`, site, n] as const));
const STAGED = '/usr/local/lib/host-bootstrap/containerd-config.toml';

describe.each(nodes)('%s', (_id, site, node) => {
  const ud = userData(site, node.name);
  const config = parse(writtenFile(ud, STAGED)) as any; // eslint-disable-line @typescript-eslint/no-explicit-any
  const cri = config.plugins['io.containerd.grpc.v1.cri'];

  test('the containerd config parses as a version 2 TOML with the CRI plugin enabled', () => {
    expect(config.version).toBe(2);
    expect(config.disabled_plugins).toEqual([]);
    expect(config.root).toBe('/var/lib/containerd');
    expect(config.state).toBe('/run/containerd');
  });

  test('runc runs with SystemdCgroup = true, the kubelet\'s cgroup driver', () => {
    expect(cri.containerd.default_runtime_name).toBe('runc');
    expect(cri.containerd.runtimes.runc.runtime_type).toBe('io.containerd.runc.v2');
    expect(cri.containerd.runtimes.runc.options).toEqual({ SystemdCgroup: true });
    const kubelet = kubeadmDocs(ud).find((d) => d.kind === 'KubeletConfiguration');
    if (kubelet) expect(kubelet.cgroupDriver).toBe('systemd');
  });

  test('the sandbox image is the pause:3.9 kubeadm 1.26/1.27 uses', () => {
    // an air-gapped site (lab) pulls it from its mirror, under the same name
    expect(cri.sandbox_image).toBe(siteImage(site.mirrors, 'registry.k8s.io/pause:3.9'));
  });

  test('CNI paths are where kubernetes-cni and Flannel put them', () => {
    expect(cri.cni).toEqual({ bin_dir: '/opt/cni/bin', conf_dir: '/etc/cni/net.d' });
  });

  test('its socket is the criSocket kubeadm registers the node with', () => {
    const reg = kubeadmDocs(ud).find((d) => d.nodeRegistration).nodeRegistration;
    expect(reg.criSocket).toBe(`unix://${config.grpc.address}`);
  });

  test('is installed over the package\'s config after the packages, and containerd restarted before kubeadm', () => {
    expect(ud.write_files.map((f) => f.path)).not.toContain('/etc/containerd/config.toml'); // dpkg's conffile prompt
    const script = stepScript(ud, '30-configure-containerd');
    expect(script).toContain(`install -m 0644 ${STAGED} /etc/containerd/config.toml\nsystemctl restart containerd\n`);
    const order = ud.runcmd.map((c) => c.split('/').pop()!.slice(0, 2));
    expect(order.indexOf('20')).toBeLessThan(order.indexOf('30'));
    expect(order.indexOf('30')).toBeLessThan(order.indexOf('40'));
  });
});
