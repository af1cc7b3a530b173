import { App, Chart } from 'cdk8s';
import { PlatformNamespace } from '../lib/constructs/platform-namespace';
import { POD_SECURITY_REASON } from '../lib/core/annotations';
import { describe, expect, test } from 'vitest';
import { checkAppProjects } from '../lib/check/app-project';
import type { Finding } from '../lib/check/findings';
import { POLICY_RULES, checkPolicy, hardeningGaps, unpinnedReason } from '../lib/check/policy';
import { imagesOf } from '../lib/core/images';
import { SITES } from '../lib/site-files';
import { lab } from '../sites/lab';
import { poc } from '../sites/poc';
import { fakePassword } from './support/fake-secrets';
import { cephCluster, hardenedDeployment, siteTree, withChanged, withObjects } from './support/trees';

const rule = (name: keyof typeof POLICY_RULES) => POLICY_RULES[name];
const messages = (findings: ReturnType<typeof checkPolicy>) =>
  findings.map((f) => `${f.severity} ${f.where}: ${f.message}`);
/** Findings of a crafted tree that the real site's tree does not already have. */
const fresh = (found: Finding[], baseline: Finding[]) =>
  found.filter((f) => !baseline.some((b) => JSON.stringify(b) === JSON.stringify(f)));

describe('policy', () => {
  test.each(SITES.map((s) => [s.name, s] as const))(
    'passes on the rendered site %s, every namespace below restricted giving its reason',
    (_n, site) => {
      const tree = siteTree(site);
      // lab's MetalLB speaker runs as root: the only warning but the retiring registry's (tested below)
      expect(messages(checkPolicy(tree).filter((f) => !/announced it will shut down/.test(f.message)))).toEqual([
        ...(site.loadBalancers
          ? [
              `warning ${site.name}/metallb: DaemonSet metallb-system/speaker: container 'speaker' runs as root: the L2 speaker answers ARP on the host network with NET_RAW, a capability only root keeps (no ambient capabilities for other users)`,
            ]
          : []),
        // a fleet hub writes ArgoCD cluster Secrets (no credentials) into argocd
        ...(site.fleet
          ? [
              `warning ${site.name}/argocd: AppProject argocd/${site.name}-fleet: grants Secrets and the destination argocd: an Application of this project could rewrite ArgoCD's or the control plane's Secrets; its apps write only ArgoCD cluster Secrets there: create them at deploy time, with their credentials, to close it`,
            ]
          : []),
      ]);
      for (const ns of tree.objects.filter(
        (o) =>
          o.obj.kind === 'Namespace' && o.obj.metadata.labels?.['pod-security.kubernetes.io/enforce'] !== 'restricted',
      )) {
        expect(ns.obj.metadata.annotations?.[POD_SECURITY_REASON], ns.obj.metadata.name).toMatch(/.{20}/);
      }
    },
  );
  test('a hardened, limited, pinned Deployment passes (the crafted baseline of the tests below)', () => {
    expect(
      fresh(
        checkPolicy(withObjects(siteTree(poc), 'postgres-operator', hardenedDeployment('ok'))),
        checkPolicy(siteTree(poc)),
      ),
    ).toEqual([]);
  });
});

describe('images are pinned', () => {
  test.each([
    ['quay.io/ceph/ceph:v16.2.7', undefined],
    ['registry.example.org:5000/team/app:1.2', undefined],
    [`ghcr.io/x/y@sha256:${'a'.repeat(64)}`, undefined],
    ['registry.example.org:5000/team/app', 'has no tag (it means latest)'],
    ['busybox', 'has no tag (it means latest)'],
    ['ghcr.io/zalando/spilo-15:latest', "uses the moving tag 'latest'"],
  ])('%s', (image, reason) => {
    expect(unpinnedReason(image)).toBe(reason);
  });
  test('images are found in containers, CR fields and the operator ConfigMap', () => {
    const paths = siteTree(poc).objects.flatMap((r) => imagesOf(r.obj).map((i) => `${r.obj.kind}/${i.path}`));
    expect(paths).toEqual(
      expect.arrayContaining([
        'ConfigMap/data.docker_image',
        'ConfigMap/data.connection_pooler_image',
        'ConfigMap/data.logical_backup_docker_image',
        'Deployment/spec.template.spec.containers[0].image',
      ]),
    );
    expect(imagesOf(cephCluster()).map((i) => i.path)).toEqual(['spec.cephVersion.image']);
  });
  test('fails on a latest Spilo image in the operator ConfigMap', () => {
    const tree = withChanged(siteTree(poc), 'ConfigMap', 'postgres-operator', (o) => {
      o.data.docker_image = 'ghcr.io/zalando/spilo-15:latest';
    });
    expect(messages(rule('images')(tree))).toEqual([
      "error poc/postgres-operator: ConfigMap postgres-operator/postgres-operator: data.docker_image: image 'ghcr.io/zalando/spilo-15:latest' uses the moving tag 'latest': pin a version tag or a digest in the site's train (lib/site/trains/) or its versions overrides",
    ]);
  });
  test('fails on an untagged container image and an untagged CR image', () => {
    const tree = withObjects(
      siteTree(poc),
      'x',
      hardenedDeployment('a', {}, { image: 'busybox' }),
      cephCluster({ cephVersion: { image: 'quay.io/ceph/ceph' } }),
    );
    expect(rule('images')(tree).map((f) => f.message.split(':')[0])).toEqual([
      'spec.template.spec.containers[0].image',
      'spec.cephVersion.image',
    ]);
  });
});

describe('containers are hardened and limited', () => {
  test.each([
    ['runs as root', {}, { runAsUser: 0 }, 'runAsNonRoot: true (or a non-zero runAsUser)'],
    ['may escalate', {}, { allowPrivilegeEscalation: true }, 'allowPrivilegeEscalation: false'],
    ['is privileged', {}, { privileged: true }, 'no privileged: true'],
    ['keeps capabilities', {}, { capabilities: { drop: ['NET_RAW'] } }, "capabilities.drop: ['ALL']"],
    ['writes its root filesystem', {}, { readOnlyRootFilesystem: false }, 'readOnlyRootFilesystem: true'],
    ['has no seccomp profile', { securityContext: { runAsNonRoot: true } }, {}, 'seccompProfile.type: RuntimeDefault'],
  ])('fails when the container %s', (_what, pod, sc, gap) => {
    const d = hardenedDeployment('app', pod);
    const spec = (d.spec as { template: { spec: { containers: { securityContext: Record<string, unknown> }[] } } })
      .template.spec;
    Object.assign(spec.containers[0].securityContext, sc);
    const found = rule('hardening')(withObjects(siteTree(poc), 'x', d));
    expect(found).toHaveLength(1);
    expect(found[0].message).toBe(
      `container 'app' is not hardened: set ${gap} (lib/constructs/hardening.ts hardenedContainer)`,
    );
  });
  test('the pod-level runAsNonRoot and seccompProfile count for the container', () => {
    expect(
      hardeningGaps(
        { securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } } },
        {
          securityContext: {
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            capabilities: { drop: ['ALL'] },
          },
        },
      ),
    ).toEqual([]);
  });
  test('fails on missing limits, init containers included', () => {
    const d = hardenedDeployment(
      'app',
      {
        initContainers: [
          {
            name: 'init',
            image: 'busybox:1.36',
            resources: { limits: { cpu: '10m' } },
            securityContext: {
              runAsUser: 1000,
              allowPrivilegeEscalation: false,
              readOnlyRootFilesystem: true,
              capabilities: { drop: ['ALL'] },
            },
          },
        ],
      },
      { resources: { requests: { cpu: '10m', memory: '10Mi' } } },
    );
    expect(rule('hardening')(withObjects(siteTree(poc), 'x', d)).map((f) => f.message)).toEqual([
      "container 'init' has no memory limit: set resources.limits (lib/constructs/hardening.ts resources)",
      "container 'app' has no cpu and memory limit: set resources.limits (lib/constructs/hardening.ts resources)",
    ]);
  });
});

describe("pod templates pass their namespace's Pod Security level", () => {
  const ns = (name: string, level: string) => ({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, labels: { 'pod-security.kubernetes.io/enforce': level } },
  });
  const inNamespace = <T extends { metadata: object }>(obj: T, namespace: string): T => ({
    ...obj,
    metadata: { ...obj.metadata, namespace },
  });
  test('fails on host namespaces under restricted, for every pod-template kind (a CronJob here)', () => {
    const d = hardenedDeployment('job', { hostNetwork: true, hostPID: true });
    const cron = {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: d.metadata,
      spec: { schedule: '0 * * * *', jobTemplate: { spec: { template: (d.spec as { template: unknown }).template } } },
    };
    expect(rule('admission')(withObjects(siteTree(poc), 'x', cron)).map((f) => f.message)).toEqual([
      "Pod Security 'restricted' of namespace postgres-operator rejects its pods: hostNetwork; hostPID",
    ]);
  });
  test('a node exporter (hostPID, hostNetwork, hostPath) passes in a privileged namespace only', () => {
    const exporter = inNamespace(
      {
        ...hardenedDeployment('node-exporter', {
          hostPID: true,
          hostNetwork: true,
          volumes: [{ name: 'proc', hostPath: { path: '/proc' } }],
        }),
        kind: 'DaemonSet',
      },
      'exporters',
    );
    expect(rule('admission')(withObjects(siteTree(poc), 'x', ns('exporters', 'privileged'), exporter))).toEqual([]);
    expect(
      rule('admission')(withObjects(siteTree(poc), 'x', ns('exporters', 'baseline'), exporter)).map((f) => f.message),
    ).toEqual([
      "Pod Security 'baseline' of namespace exporters rejects its pods: hostNetwork; hostPID; hostPath volume 'proc'",
    ]);
  });
  test('restricted also wants the hardened fields and plain volume types; baseline does not', () => {
    const loose = inNamespace(
      hardenedDeployment(
        'loose',
        { securityContext: {}, volumes: [{ name: 'nfs', nfs: { server: 'x', path: '/' } }] },
        { securityContext: { capabilities: { add: ['NET_ADMIN', 'CHOWN'] } } },
      ),
      'apps',
    );
    expect(
      rule('admission')(withObjects(siteTree(poc), 'x', ns('apps', 'restricted'), loose)).map((f) => f.message),
    ).toEqual([
      "Pod Security 'restricted' of namespace apps rejects its pods: container 'loose' adds capabilities NET_ADMIN; volume 'nfs' of a type restricted forbids; container 'loose' without allowPrivilegeEscalation: false; container 'loose' without runAsNonRoot: true; container 'loose' without seccompProfile RuntimeDefault; container 'loose' without capabilities.drop ALL; container 'loose' adds capabilities CHOWN",
    ]);
    expect(
      rule('admission')(withObjects(siteTree(poc), 'x', ns('apps', 'baseline'), loose)).map((f) => f.message),
    ).toEqual([
      "Pod Security 'baseline' of namespace apps rejects its pods: container 'loose' adds capabilities NET_ADMIN",
    ]);
  });
  test('warns when the namespace of a pod is not rendered', () => {
    expect(
      rule('admission')(withObjects(siteTree(poc), 'x', inNamespace(hardenedDeployment('a'), 'kube-system'))).map(
        (f) => [f.severity, f.message],
      ),
    ).toEqual([
      [
        'warning',
        "namespace 'kube-system' is not rendered, so its Pod Security level is unknown: render it with PlatformNamespace",
      ],
    ]);
  });
});

describe('namespaces carry Pod Security labels', () => {
  test('fails without an enforce label', () => {
    const tree = withChanged(siteTree(poc), 'Namespace', 'postgres-operator', (o) => {
      delete o.metadata.labels['pod-security.kubernetes.io/enforce'];
    });
    expect(messages(fresh(rule('namespaces')(tree), rule('namespaces')(siteTree(poc))))).toEqual([
      'error poc/postgres-operator: Namespace postgres-operator: label pod-security.kubernetes.io/enforce is missing: set one of privileged, baseline, restricted (use PlatformNamespace)',
    ]);
  });
  test('fails on an unknown level, warns on missing warn/audit', () => {
    const tree = withChanged(siteTree(poc), 'Namespace', 'postgres-operator', (o) => {
      o.metadata.labels['pod-security.kubernetes.io/enforce'] = 'strict';
    });
    expect(messages(fresh(rule('namespaces')(tree), rule('namespaces')(siteTree(poc))))).toEqual([
      expect.stringMatching(/postgres-operator: .*enforce is 'strict'/),
    ]);
    const priv = withObjects(siteTree(poc), 'x', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'host-tools', labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } },
    });
    expect(fresh(rule('namespaces')(priv), rule('namespaces')(siteTree(poc))).map((f) => f.severity)).toEqual([
      'warning',
    ]);
  });
  test('fails on a namespace more permissive than its pods need, unless it says why (was: a warning on privileged only)', () => {
    const hardened = withChanged(siteTree(poc), 'Namespace', 'cert-manager', (o) => {
      o.metadata.labels['pod-security.kubernetes.io/enforce'] = 'privileged';
    });
    expect(messages(fresh(rule('namespaces')(hardened), rule('namespaces')(siteTree(poc))))).toEqual([
      `error poc/cert-manager: Namespace cert-manager: Pod Security enforce level 'privileged' is more permissive than its pods in dist/ need ('restricted'): enforce 'restricted', or give the reason (PlatformNamespace reason, annotation ${POD_SECURITY_REASON})`,
    ]);
    const explained = withChanged(hardened, 'Namespace', 'cert-manager', (o) => {
      o.metadata.annotations = { [POD_SECURITY_REASON]: 'pods its operator creates' };
    });
    expect(fresh(rule('namespaces')(explained), rule('namespaces')(siteTree(poc)))).toEqual([]);
    // node-exporter's namespace needs privileged by its own pods
    const monitoring = withChanged(siteTree(poc), 'Namespace', 'monitoring', (o) => {
      delete o.metadata.annotations;
    });
    expect(fresh(rule('namespaces')(monitoring), rule('namespaces')(siteTree(poc)))).toEqual([]);
    expect(
      () => new PlatformNamespace(new Chart(new App(), 'x'), 'ns', { name: 'loose', enforce: 'baseline' }),
    ).toThrow(/give the reason/);
  });
});

describe('data-bearing objects are protected', () => {
  test('fails on a postgresql without Prune=false,Delete=false', () => {
    const tree = withChanged(siteTree(poc), 'postgresql', 'acid-test-cluster', (o) => {
      o.metadata.annotations['argocd.argoproj.io/sync-options'] = 'SkipDryRunOnMissingResource=true';
    });
    expect(messages(rule('data')(tree))).toEqual([
      'error poc/postgres-clusters: postgresql postgres/acid-test-cluster: holds data but ArgoCD may prune or delete it: annotate argocd.argoproj.io/sync-options with Prune=false,Delete=false (protectData)',
    ]);
  });
  test('fails on a namespace that holds data and is not protected (Delete=false alone is not enough)', () => {
    const tree = withChanged(siteTree(poc), 'Namespace', 'postgres', (o) => {
      o.metadata.annotations['argocd.argoproj.io/sync-options'] = 'Delete=false';
    });
    expect(rule('data')(tree).map((f) => f.message)).toEqual([
      expect.stringMatching(/the namespace holds data-bearing objects$/),
    ]);
  });
  test.each([
    ['CephCluster', cephCluster({})],
    [
      'PersistentVolumeClaim',
      { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data', namespace: 'postgres' }, spec: {} },
    ],
    [
      'Tenant',
      {
        apiVersion: 'minio.min.io/v2',
        kind: 'Tenant',
        metadata: { name: 'minio', namespace: 'minio' },
        spec: { pools: [] },
      },
    ],
  ])('fails on an unprotected %s', (_kind, obj) => {
    const bare = { ...obj, metadata: { ...obj.metadata, annotations: {} } };
    expect(rule('data')(withObjects(siteTree(poc), 'x', bare))).toHaveLength(1);
  });
});

describe('no secret values in dist/', () => {
  test('fails on a Secret with data or stringData, naming the keys only', () => {
    const password = fakePassword();
    const secret = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'minio-env', namespace: 'minio' },
      stringData: { 'config.env': `export MINIO_ROOT_PASSWORD=${password}` },
    };
    const found = rule('secrets')(withObjects(siteTree(poc), 'x', secret));
    expect(found.map((f) => f.message)).toEqual([
      'Secret carries values (config.env) in git: create it at deploy time (kubectl create secret …) and reference it by name',
    ]);
    expect(JSON.stringify(found)).not.toContain(password);
  });
});

/** lab without MinIO and monitoring: no Application from an upstream source, so nothing widens the project's grants. */
const strictLab = {
  ...lab,
  minio: undefined,
  monitoring: undefined,
  postgres: {
    ...lab.postgres,
    backups: undefined,
    clusters: lab.postgres.clusters.map((c) => ({ ...c, alerts: undefined })),
  },
};

describe('the AppProject grants only what the apps need (with no upstream Application to widen its grants)', () => {
  const project = (change: (o: any) => void) =>
    withChanged(siteTree(strictLab), 'AppProject', 'lab-postgres-clusters', change);
  const granted = (tree: ReturnType<typeof siteTree>) =>
    fresh(checkAppProjects(tree), checkAppProjects(siteTree(strictLab)));
  test('fails on a kind no app renders', () => {
    const tree = project((o) => o.spec.clusterResourceWhitelist.push({ group: 'storage.k8s.io', kind: 'CSIDriver' }));
    expect(messages(granted(tree))).toEqual([
      'error lab/argocd: AppProject argocd/lab-postgres-clusters: grants cluster-scoped kinds storage.k8s.io/CSIDriver that no app renders: remove them (least privilege)',
    ]);
  });
  test('fails on a kind an app renders but the project does not grant', () => {
    const tree = project((o) => {
      o.spec.namespaceResourceWhitelist = o.spec.namespaceResourceWhitelist.filter(
        (k: { kind: string }) => k.kind !== 'postgresql',
      );
    });
    expect(granted(tree).map((f) => f.message)).toEqual([
      expect.stringMatching(
        /^does not grant the namespaced kinds acid.zalan.do\/postgresql that its apps render: the sync would be refused/,
      ),
    ]);
  });
  test('fails on wildcards and on a missing namespaced whitelist', () => {
    const tree = project((o) => {
      o.spec.clusterResourceWhitelist = [{ group: '*', kind: '*' }];
      delete o.spec.namespaceResourceWhitelist;
      o.spec.destinations.push({ server: 'https://kubernetes.default.svc', namespace: '*' });
    });
    const found = checkAppProjects(tree).map((f) => f.message);
    expect(found).toContain(
      "grants wildcards (kind '*/*', destination https://kubernetes.default.svc *): list exactly what the apps render",
    );
    expect(found).toContain(
      'has no namespaceResourceWhitelist, so it grants every namespaced kind: list the kinds the apps render',
    );
  });
  test('fails on an extra destination namespace and source repository', () => {
    const tree = project((o) => {
      o.spec.destinations.push({ server: 'https://kubernetes.default.svc', namespace: 'kube-system' });
      o.spec.sourceRepos.push('https://github.com/example/other.git');
    });
    expect(granted(tree).map((f) => f.message)).toEqual([
      'grants destination namespaces kube-system that no app renders: remove them (least privilege)',
      'grants source repositories https://github.com/example/other.git that no app renders: remove them (least privilege)',
    ]);
  });
  test("fails on an Application in ArgoCD's default project, on a project not rendered, and on a default project left as installed (the root app-of-apps before issue #30)", () => {
    let tree = withChanged(siteTree(strictLab), 'Application', 'lab-root', (o) => {
      o.spec.project = 'default';
    });
    tree = withChanged(tree, 'Application', 'postgres-clusters', (o) => {
      o.spec.project = 'lab';
    });
    tree = {
      ...tree,
      objects: tree.objects.filter((o) => !(o.obj.kind === 'AppProject' && o.obj.metadata.name === 'default')),
    };
    expect(messages(granted(tree)).slice(0, 3)).toEqual([
      "error lab/argocd: Application argocd/lab-root: is in ArgoCD's 'default' project: give it a project of its own that grants what its folder renders (lib/components/argocd/argocd.ts, lib/site/gitops.ts)",
      "error lab/argocd: Application argocd/postgres-clusters: its project 'lab' is not rendered in dist/lab/: nothing here says what it grants; render it (lib/components/argocd/argocd.ts)",
      "error lab/argocd: ArgoCD's 'default' project is not rendered: as installed it grants every source, destination and kind to any Application that names it; render it emptied (lib/site/gitops.ts emptiedDefaultProject)",
    ]);
  });
  test('fails on a default project that still grants something', () => {
    const tree = withChanged(siteTree(strictLab), 'AppProject', 'default', (o) => {
      o.spec.sourceRepos = ['*'];
    });
    expect(messages(granted(tree))).toContain(
      "error lab/argocd: ArgoCD's 'default' project is not emptied: as installed it grants every source, destination and kind to any Application that names it; render it emptied (lib/site/gitops.ts emptiedDefaultProject)",
    );
  });
  test('fails on a project that grants Secrets and a destination in argocd or kube-system', () => {
    const tree = withChanged(siteTree(strictLab), 'AppProject', 'lab-metallb', (o) => {
      o.spec.destinations.push({ server: 'https://kubernetes.default.svc', namespace: 'kube-system' });
    });
    expect(messages(granted(tree))).toEqual([
      "error lab/argocd: AppProject argocd/lab-metallb: grants Secrets and the destination kube-system: an Application of this project could rewrite ArgoCD's or the control plane's Secrets; keep Secrets out of the apps that write there (one project per app: lib/components/argocd/argocd.ts)",
      'error lab/argocd: AppProject argocd/lab-metallb: grants destination namespaces kube-system that no app renders: remove them (least privilege)',
    ]);
  });
  test('fails on a dist folder no Application syncs', () => {
    const tree = withObjects(siteTree(strictLab), 'unsynced', {
      ...cephCluster(),
      metadata: { name: 'rook-ceph', namespace: 'postgres' },
    });
    expect(messages(granted(tree))[0]).toBe(
      'error lab/unsynced: no Application syncs dist/lab/unsynced: ArgoCD never applies it; add its chart to a component in lib/components/ so ArgoCdChart renders one',
    );
  });
  test('fails on an Application whose source is outside dist/ (an upstream chart ArgoCD would render unseen), and on what the project grants it', () => {
    const external = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: 'some-upstream', namespace: 'argocd' },
      spec: {
        project: 'lab-postgres-clusters',
        source: { repoURL: 'https://charts.example.org/release', chart: 'some', targetRevision: 'v1.0.0' },
        destination: { server: 'https://kubernetes.default.svc', namespace: 'some-upstream' },
      },
    };
    const tree = withChanged(
      withObjects(siteTree(strictLab), 'argocd', external),
      'AppProject',
      'lab-postgres-clusters',
      (o) => {
        o.spec.clusterResourceWhitelist.push({ group: 'storage.k8s.io', kind: 'CSIDriver' });
        o.spec.destinations.push({ server: 'https://kubernetes.default.svc', namespace: 'some-upstream' });
        o.spec.sourceRepos.push('https://charts.example.org/release');
      },
    );
    expect(messages(granted(tree))).toEqual([
      'error lab/argocd: Application argocd/some-upstream: its source is not a dist/lab/ folder: ArgoCD would apply objects that no check, image list or diff sees; render them into a chart of a component (lib/components/; upstream charts: lib/upstream.ts UPSTREAM_CHARTS)',
      'error lab/argocd: AppProject argocd/lab-postgres-clusters: grants cluster-scoped kinds storage.k8s.io/CSIDriver that no app renders: remove them (least privilege)',
    ]);
  });
});

describe('registries upstream announced for shutdown', () => {
  test('the POC (runbook-2023) pulls from registry.opensource.zalan.do: one warning naming its images and the fix', () => {
    const found = rule('registries')(siteTree(poc));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ severity: 'warning', where: 'poc' });
    expect(found[0].message).toMatch(
      /^4 image\(s\) come from registry\.opensource\.zalan\.do, which upstream announced it will shut down \(zalando\/postgres-operator#3092/,
    );
    expect(found[0].message).toContain('registry.opensource.zalan.do/acid/postgres-operator:v1.9.0');
    expect(found[0].message).toContain("set the site's mirrors.registry (docs/air-gapped.md)");
  });
  test('silent on the current train (ghcr.io/zalando) and on a site whose images come from its mirror', () => {
    expect(rule('registries')(siteTree(lab))).toEqual([]);
    const mirrored = { ...poc, name: 'poc', mirrors: { ...lab.mirrors! } };
    expect(rule('registries')(siteTree(mirrored))).toEqual([]);
  });
});
