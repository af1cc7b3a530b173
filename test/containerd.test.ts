import { parse } from 'smol-toml';
import { describe, expect, test } from 'vitest';
import { catalogOf, pauseImage } from '../lib/site/catalog';
import { siteImage } from '../lib/site/mirrors';
import { SITES } from '../lib/site-files';
import { stepScript, userData, writtenFile, kubeadmDocs } from './support/bootstrap';

const nodes = SITES.flatMap((site) => site.nodes.map((n) => [`${site.name}/${n.name}`, site, n] as const));
const STAGED = '/usr/local/lib/host-bootstrap/containerd-config.toml';

describe.each(nodes)('%s', (_id, site, node) => {
  const ud = userData(site, node.name);
  const config = parse(writtenFile(ud, STAGED)) as any;
  const { versions } = catalogOf(site);
  // containerd 1.x reads a version 2 config, 2.x a version 3 one: the CRI plugin split into images and runtime
  const v3 = versions.containerdPackage.startsWith('2.');
  const cri = v3 ? config.plugins['io.containerd.cri.v1.runtime'] : config.plugins['io.containerd.grpc.v1.cri'];

  test("the containerd config parses as the TOML version of the train's containerd with the CRI plugin enabled", () => {
    expect(config.version).toBe(v3 ? 3 : 2);
    if (v3)
      expect(Object.keys(config.plugins).sort()).toEqual([
        'io.containerd.cri.v1.images',
        'io.containerd.cri.v1.runtime',
      ]);
    expect(config.disabled_plugins).toEqual([]);
    expect(config.root).toBe('/var/lib/containerd');
    expect(config.state).toBe('/run/containerd');
  });

  test("runc runs with SystemdCgroup = true, the kubelet's cgroup driver", () => {
    expect(cri.containerd.default_runtime_name).toBe('runc');
    expect(cri.containerd.runtimes.runc.runtime_type).toBe('io.containerd.runc.v2');
    expect(cri.containerd.runtimes.runc.options).toEqual({ SystemdCgroup: true });
    const kubelet = kubeadmDocs(ud).find((d) => d.kind === 'KubeletConfiguration');
    if (kubelet) expect(kubelet.cgroupDriver).toBe('systemd');
  });

  test("the sandbox image is the pause kubeadm of the site's minor uses (3.9 on 1.26/1.27, 3.10.2 on 1.36)", () => {
    const minor = site.kubernetes.version.split('.').slice(0, 2).join('.');
    expect(pauseImage(catalogOf(site), minor)).toBe(
      `registry.k8s.io/pause:${{ '1.26': '3.9', '1.27': '3.9', '1.36': '3.10.2' }[minor]}`,
    );
    // an air-gapped site (lab) pulls it from its mirror, under the same name
    const sandbox = v3 ? config.plugins['io.containerd.cri.v1.images'].pinned_images.sandbox : cri.sandbox_image;
    expect(sandbox).toBe(siteImage(site.mirrors, pauseImage(catalogOf(site), minor)!));
  });

  test('CNI paths are where kubernetes-cni and Flannel put them (bin_dirs since containerd 2.1)', () => {
    expect(cri.cni).toEqual(
      v3
        ? { bin_dirs: ['/opt/cni/bin'], conf_dir: '/etc/cni/net.d' }
        : { bin_dir: '/opt/cni/bin', conf_dir: '/etc/cni/net.d' },
    );
  });

  test('its socket is the criSocket kubeadm registers the node with', () => {
    const reg = kubeadmDocs(ud).find((d) => d.nodeRegistration).nodeRegistration;
    expect(reg.criSocket).toBe(`unix://${config.grpc.address}`);
  });

  test("is installed over the package's config after the packages, and containerd restarted before kubeadm", () => {
    expect(ud.write_files.map((f) => f.path)).not.toContain('/etc/containerd/config.toml'); // dpkg's conffile prompt
    const script = stepScript(ud, '30-configure-containerd');
    expect(script).toContain(`install -m 0644 ${STAGED} /etc/containerd/config.toml\nsystemctl restart containerd\n`);
    const order = ud.runcmd.map((c) => c.split('/').pop()!.slice(0, 2));
    expect(order.indexOf('20')).toBeLessThan(order.indexOf('30'));
    expect(order.indexOf('30')).toBeLessThan(order.indexOf('40'));
  });
});
