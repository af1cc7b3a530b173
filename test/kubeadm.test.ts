import { describe, expect, test } from 'vitest';
import { kubeadmApiOf } from '../lib/bootstrap/kubeadm';
import { ROLE_LABELS } from '../lib/site/roles';
import { lab } from '../sites/lab';
import { poc } from '../sites/poc';
import { hasStep, kubeadmDoc, kubeadmDocs, stepScript, userData, writtenFile } from './support/bootstrap';
import { load } from 'js-yaml';
import { labOnFlannel, withSite } from './support/render';

const CP_TAINT = { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' };

describe('poc control plane debian-cp: one kubeadm init', () => {
  const ud = userData(poc, 'debian-cp');

  test('the config holds exactly InitConfiguration, ClusterConfiguration and KubeletConfiguration, in v1beta3', () => {
    expect(kubeadmDocs(ud).map((d) => `${d.apiVersion}/${d.kind}`)).toEqual([
      'kubeadm.k8s.io/v1beta3/InitConfiguration',
      'kubeadm.k8s.io/v1beta3/ClusterConfiguration',
      'kubelet.config.k8s.io/v1beta1/KubeletConfiguration',
    ]);
  });

  test("InitConfiguration: the bootstrap token as a placeholder, the node's address, no skipped phase", () => {
    expect(kubeadmDoc(ud, 'InitConfiguration')).toEqual({
      apiVersion: 'kubeadm.k8s.io/v1beta3',
      kind: 'InitConfiguration',
      bootstrapTokens: [
        {
          token: '<KUBEADM_TOKEN>',
          // short-lived (issue #30): it was 24h
          ttl: '2h0m0s',
          groups: ['system:bootstrappers:kubeadm:default-node-token'],
          usages: ['signing', 'authentication'],
        },
      ],
      localAPIEndpoint: { advertiseAddress: '10.10.10.30', bindPort: 6443 },
      nodeRegistration: {
        name: 'debian-cp',
        criSocket: 'unix:///run/containerd/containerd.sock',
        kubeletExtraArgs: { 'node-ip': '10.10.10.30' },
        taints: [CP_TAINT],
      },
      patches: { directory: '/etc/kubernetes/patches' },
    });
  });

  test('ClusterConfiguration: endpoint 10.10.10.30:6443, pod subnet 10.244.0.0/16, service subnet, v1.26.2, scheduler and controller manager on loopback', () => {
    expect(kubeadmDoc(ud, 'ClusterConfiguration')).toEqual({
      apiVersion: 'kubeadm.k8s.io/v1beta3',
      kind: 'ClusterConfiguration',
      clusterName: 'poc',
      kubernetesVersion: 'v1.26.2',
      controlPlaneEndpoint: '10.10.10.30:6443',
      networking: { podSubnet: '10.244.0.0/16', serviceSubnet: '10.96.0.0/12' },
      // Secrets encrypted at rest, an audit log, no profiling (issue #30: CIS 1.2.17-1.2.19, 1.2.27-1.2.29)
      apiServer: {
        extraArgs: {
          'encryption-provider-config': '/etc/kubernetes/encryption/config.yaml',
          'audit-policy-file': '/etc/kubernetes/audit/policy.yaml',
          'audit-log-path': '/var/log/kubernetes/audit/audit.log',
          'audit-log-maxage': '30',
          'audit-log-maxbackup': '10',
          'audit-log-maxsize': '100',
          profiling: 'false',
        },
        extraVolumes: [
          {
            name: 'encryption',
            hostPath: '/etc/kubernetes/encryption',
            mountPath: '/etc/kubernetes/encryption',
            readOnly: true,
            pathType: 'DirectoryOrCreate',
          },
          {
            name: 'audit-policy',
            hostPath: '/etc/kubernetes/audit/policy.yaml',
            mountPath: '/etc/kubernetes/audit/policy.yaml',
            readOnly: true,
            pathType: 'File',
          },
          {
            name: 'audit-log',
            hostPath: '/var/log/kubernetes/audit',
            mountPath: '/var/log/kubernetes/audit',
            readOnly: false,
            pathType: 'DirectoryOrCreate',
          },
        ],
      },
      // loopback (CIS 1.3.7, 1.4.2): the monitored POC's node patch binds them to its own address
      controllerManager: { extraArgs: { 'bind-address': '127.0.0.1', profiling: 'false' } },
      scheduler: { extraArgs: { 'bind-address': '127.0.0.1', profiling: 'false' } },
    });
  });

  test("monitored: the node's patches bind scheduler and controller manager to its own address, never to every address; unmonitored: none", () => {
    expect(kubeadmDoc(ud, 'InitConfiguration').patches).toEqual({ directory: '/etc/kubernetes/patches' });
    const patch = load(writtenFile(ud, '/etc/kubernetes/patches/kube-scheduler+json.yaml'));
    expect(patch).toEqual([
      { op: 'add', path: '/spec/containers/0/command/-', value: '--bind-address=10.10.10.30' },
      { op: 'replace', path: '/spec/containers/0/livenessProbe/httpGet/host', value: '10.10.10.30' },
      { op: 'replace', path: '/spec/containers/0/startupProbe/httpGet/host', value: '10.10.10.30' },
    ]);
    expect(writtenFile(ud, '/etc/kubernetes/patches/kube-controller-manager+json.yaml')).toBe(
      writtenFile(ud, '/etc/kubernetes/patches/kube-scheduler+json.yaml'),
    );
    const unmonitored = userData(
      withSite(poc, (s) => {
        delete s.monitoring;
      }),
      'debian-cp',
    );
    expect(kubeadmDoc(unmonitored, 'InitConfiguration').patches).toBeUndefined();
    expect(unmonitored.write_files.some((f) => f.path.startsWith('/etc/kubernetes/patches/'))).toBe(false);
    expect(kubeadmDoc(unmonitored, 'ClusterConfiguration').scheduler).toEqual({
      extraArgs: { profiling: 'false', 'bind-address': '127.0.0.1' },
    });
  });

  test("KubeletConfiguration: the systemd cgroup driver (the runbook's crash loop was a driver mismatch)", () => {
    expect(kubeadmDoc(ud, 'KubeletConfiguration')).toEqual({
      apiVersion: 'kubelet.config.k8s.io/v1beta1',
      kind: 'KubeletConfiguration',
      cgroupDriver: 'systemd',
      // CIS 4.2 (issue #30), explicit
      authentication: { anonymous: { enabled: false }, webhook: { enabled: true } },
      authorization: { mode: 'Webhook' },
      readOnlyPort: 0,
      rotateCertificates: true,
      streamingConnectionIdleTimeout: '5m0s',
      tlsCipherSuites: expect.arrayContaining(['TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256']),
    });
    expect(kubeadmDoc(ud, 'KubeletConfiguration').tlsCipherSuites.every((c: string) => /GCM|CHACHA20/.test(c))).toBe(
      true,
    );
  });

  test('every control plane writes the encryption configuration (secretbox, the key a host-config placeholder) and the audit policy, root-only', () => {
    const encryption = load(writtenFile(ud, '/etc/kubernetes/encryption/config.yaml')) as any;
    expect(encryption).toEqual({
      apiVersion: 'apiserver.config.k8s.io/v1',
      kind: 'EncryptionConfiguration',
      resources: [
        {
          resources: ['secrets'],
          providers: [
            { secretbox: { keys: [{ name: 'key1', secret: '<KUBEADM_ENCRYPTION_KEY>' }] } },
            { identity: {} },
          ],
        },
      ],
    });
    const policy = load(writtenFile(ud, '/etc/kubernetes/audit/policy.yaml')) as any;
    expect(policy.kind).toBe('Policy');
    // never a Secret's body in the log
    const secretsRule = policy.rules.find((r: any) => r.resources?.some((g: any) => g.resources.includes('secrets')));
    expect(secretsRule.level).toBe('Metadata');
    expect(policy.rules.indexOf(secretsRule)).toBeLessThan(policy.rules.findIndex((r: any) => r.level === 'Request'));
    for (const f of ['/etc/kubernetes/encryption/config.yaml', '/etc/kubernetes/audit/policy.yaml'])
      expect(ud.write_files.find((w) => w.path === f)!.permissions).toBe('0600');
    for (const worker of ['dnumworker1', 'dnumcephworker1'])
      expect(userData(poc, worker).write_files.map((w) => w.path)).not.toContain(
        '/etc/kubernetes/encryption/config.yaml',
      );
  });

  test('the script runs one `kubeadm init --config`, skips no phase, and is the only one writing the cluster', () => {
    const script = stepScript(ud, '40-kubeadm-init');
    // the token never in cloud-init's output log (issue #30)
    expect(script.match(/^\s*kubeadm .*$/gm)).toEqual(['kubeadm init --config "$config" --skip-token-print']);
    expect(script).toMatch(/^config=\/run\/kubeadm\/kubeadm\.yaml$/m);
    expect(script).not.toMatch(/skip-phases|skipPhases/);
    expect(JSON.stringify(kubeadmDocs(ud))).not.toMatch(/skipPhases/);
    expect(hasStep(ud, '40-kubeadm-join')).toBe(false);
    for (const worker of poc.nodes.slice(1)) expect(hasStep(userData(poc, worker.name), '40-kubeadm-init')).toBe(false);
  });

  test('the script refuses a config still holding placeholders, and does nothing on a node already in a cluster', () => {
    const script = stepScript(ud, '40-kubeadm-init');
    expect(script).toContain('if [ -f /etc/kubernetes/kubelet.conf ]; then');
    expect(script).toContain('if grep -q \'<KUBEADM_\' "$config" /etc/kubernetes/encryption/config.yaml; then');
  });

  test('the kubeadm config (with the token, once filled in) is readable by root only', () => {
    expect(ud.write_files.find((f) => f.path === '/run/kubeadm/kubeadm.yaml')!.permissions).toBe('0600');
  });
});

describe.each([
  ['dnumworker1', 'postgres-operator=enabled', []],
  ['dnumcephworker2', 'role=storage-node', [{ key: 'storage-node', effect: 'NoSchedule' }]],
  ['dnumminioworker3', 'role=s3-node', []],
] as const)('poc worker %s: kubeadm join', (node, labels, taints) => {
  const ud = userData(poc, node);
  const address = poc.nodes.find((n) => n.name === node)!.address;

  test(`JoinConfiguration: token and CA hash placeholders, labels ${labels} at registration, taints ${JSON.stringify(taints)}`, () => {
    expect(kubeadmDocs(ud)).toEqual([
      {
        apiVersion: 'kubeadm.k8s.io/v1beta3',
        kind: 'JoinConfiguration',
        discovery: {
          bootstrapToken: {
            apiServerEndpoint: '10.10.10.30:6443',
            token: '<KUBEADM_TOKEN>',
            caCertHashes: ['<KUBEADM_CA_CERT_HASH>'],
          },
        },
        nodeRegistration: {
          name: node,
          criSocket: 'unix:///run/containerd/containerd.sock',
          kubeletExtraArgs: { 'node-ip': address, 'node-labels': labels },
          taints,
        },
      },
    ]);
  });

  test('the script runs one `kubeadm join --config` and labels nothing afterwards', () => {
    const script = stepScript(ud, '40-kubeadm-join');
    expect(script.match(/^\s*kubeadm .*$/gm)).toEqual(['kubeadm join --config "$config"']);
    expect(ud.write_files.map((f) => f.content).join('\n')).not.toMatch(/kubectl (label|taint)/);
  });
});

test('lab: Kubernetes v1.36.5 (the current train) behind its virtual IP, workers join through it', () => {
  expect(kubeadmDoc(userData(lab, 'lab-cp1'), 'ClusterConfiguration')).toMatchObject({
    kubernetesVersion: 'v1.36.5',
    controlPlaneEndpoint: '10.20.0.9:6443',
    clusterName: 'lab',
  });
  expect(kubeadmDoc(userData(lab, 'lab-ceph1'), 'JoinConfiguration').discovery.bootstrapToken.apiServerEndpoint).toBe(
    '10.20.0.9:6443',
  );
});

describe("the kubeadm config API of the site's minor: v1beta3 to 1.30, v1beta4 from 1.31", () => {
  test('the boundary is 1.31, where kubeadm started writing v1beta4 (v1beta3 read-only, deprecated)', () => {
    expect(['1.26.2', '1.27.3', '1.30.9', '1.31.0', '1.36.5'].map(kubeadmApiOf)).toEqual([
      'kubeadm.k8s.io/v1beta3',
      'kubeadm.k8s.io/v1beta3',
      'kubeadm.k8s.io/v1beta3',
      'kubeadm.k8s.io/v1beta4',
      'kubeadm.k8s.io/v1beta4',
    ]);
  });
  test("lab (1.36.5) in v1beta4: every document, the kubelet flags and the components' extraArgs as lists of {name, value}", () => {
    const init = userData(lab, 'lab-cp1');
    expect(kubeadmDocs(init).map((d) => `${d.apiVersion}/${d.kind}`)).toEqual([
      'kubeadm.k8s.io/v1beta4/InitConfiguration',
      'kubeadm.k8s.io/v1beta4/ClusterConfiguration',
      'kubelet.config.k8s.io/v1beta1/KubeletConfiguration',
    ]);
    expect(kubeadmDoc(init, 'InitConfiguration').nodeRegistration.kubeletExtraArgs).toEqual([
      { name: 'node-ip', value: '10.20.0.10' },
    ]);
    const cluster = kubeadmDoc(init, 'ClusterConfiguration');
    for (const c of [cluster.controllerManager, cluster.scheduler])
      expect(c.extraArgs).toEqual([
        { name: 'profiling', value: 'false' },
        { name: 'bind-address', value: '127.0.0.1' },
      ]);
    expect(cluster.apiServer.extraArgs).toContainEqual({
      name: 'encryption-provider-config',
      value: '/etc/kubernetes/encryption/config.yaml',
    });
    const join = kubeadmDoc(userData(lab, 'lab-ceph1'), 'JoinConfiguration');
    expect(join.apiVersion).toBe('kubeadm.k8s.io/v1beta4');
    expect(join.nodeRegistration.kubeletExtraArgs).toEqual([
      { name: 'node-ip', value: '10.20.0.31' },
      { name: 'node-labels', value: 'role=storage-node' },
    ]);
  });
  test("the same node on 1.27 keeps v1beta3's maps", () => {
    const reg = kubeadmDoc(
      userData(
        withSite(poc, (s) => {
          s.kubernetes.version = '1.27.3';
        }),
        'dnumcephworker1',
      ),
      'JoinConfiguration',
    );
    expect([reg.apiVersion, reg.nodeRegistration.kubeletExtraArgs]).toEqual([
      'kubeadm.k8s.io/v1beta3',
      { 'node-ip': '10.10.10.41', 'node-labels': 'role=storage-node' },
    ]);
  });
});

test("an endpoint without a port gets the API server's 6443", () => {
  const site = withSite(poc, (s) => {
    s.kubernetes.controlPlaneEndpoint = '10.10.10.30';
  });
  expect(kubeadmDoc(userData(site, 'debian-cp'), 'ClusterConfiguration').controlPlaneEndpoint).toBe('10.10.10.30:6443');
  expect(
    kubeadmDoc(userData(site, 'dnumworker1'), 'JoinConfiguration').discovery.bootstrapToken.apiServerEndpoint,
  ).toBe('10.10.10.30:6443');
});

describe('three control planes (lab with two more)', () => {
  // on Flannel, which the first control plane applies (lab runs Canal, the operator's)
  const ha = withSite(labOnFlannel, (s) => {
    s.nodes.splice(
      1,
      0,
      { name: 'lab-cp2', address: '10.20.0.11', roles: ['control-plane'], cpu: 8, memory: '16Gi' },
      { name: 'lab-cp3', address: '10.20.0.12', roles: ['control-plane'], cpu: 8, memory: '16Gi' },
    );
  });

  test('the first uploads its certificates, encrypted with the certificate key placeholder', () => {
    const ud = userData(ha, 'lab-cp1');
    expect(kubeadmDoc(ud, 'InitConfiguration').certificateKey).toBe('<KUBEADM_CERTIFICATE_KEY>');
    // neither the certificate key nor the token in cloud-init's output log (issue #30)
    expect(stepScript(ud, '40-kubeadm-init')).toMatch(
      /^kubeadm init --config "\$config" --upload-certs --skip-certificate-key-print --skip-token-print$/m,
    );
  });

  test('the others join as control planes with their own address and the certificate key', () => {
    const join = kubeadmDoc(userData(ha, 'lab-cp2'), 'JoinConfiguration');
    expect(join.controlPlane).toEqual({
      localAPIEndpoint: { advertiseAddress: '10.20.0.11', bindPort: 6443 },
      certificateKey: '<KUBEADM_CERTIFICATE_KEY>',
    });
    expect(join.nodeRegistration.taints).toEqual([CP_TAINT]);
  });

  test('only the first applies Flannel and ArgoCD', () => {
    expect(hasStep(userData(ha, 'lab-cp1'), '50-apply-flannel')).toBe(true);
    expect(hasStep(userData(ha, 'lab-cp2'), '50-apply-flannel')).toBe(false);
    expect(hasStep(userData(ha, 'lab-cp3'), '60-install-argocd')).toBe(false);
  });

  test('with one control plane there is no certificate key anywhere', () => {
    expect(kubeadmDoc(userData(poc, 'debian-cp'), 'InitConfiguration')).not.toHaveProperty('certificateKey');
  });
});

test("a control plane that also has a workload role gets its label and loses kubeadm's NoSchedule taint", () => {
  const site = withSite(poc, (s) => {
    s.nodes[0].roles = ['control-plane', 'postgres'];
  });
  const reg = kubeadmDoc(userData(site, 'debian-cp'), 'InitConfiguration').nodeRegistration;
  expect(reg.kubeletExtraArgs['node-labels']).toBe('postgres-operator=enabled');
  expect(reg.taints).toEqual([]);
});

test('role labels are outside the kubernetes.io and k8s.io prefixes the kubelet refuses to set on itself', () => {
  for (const label of Object.values(ROLE_LABELS)) expect(label.key).not.toMatch(/(^|\.)(kubernetes|k8s)\.io\//);
});
