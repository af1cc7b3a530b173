import { spawnSync } from 'node:child_process';
import { load } from 'js-yaml';
import { describe, expect, test } from 'vitest';
import { renderHostBootstrap } from '../lib/bootstrap/host-bootstrap';
import { siteImages } from '../lib/synth/site-images';
import { imagesOf } from '../lib/core/images';
import {
  PUBLIC_REGISTRIES,
  fullImageName,
  mirrorImage,
  mirrorUrl,
  registryOf,
  validateMirrors,
  type MirrorSpec,
} from '../lib/site/mirrors';
import { catalogOf } from '../lib/site/catalog';
import { lab } from '../sites/lab';
import { poc } from '../sites/poc';
import { labOnFlannel, objectOf, renderedApps, withSite, type K8sObject } from './support/render';

/** The example's catalog (the runbook-2023 train, no overrides). */
const { images: IMAGES } = catalogOf(poc);

const mirrors = lab.mirrors as MirrorSpec;
const ROOT = `${__dirname}/..`;

/**
 * Keys whose text is documentation for a reader's browser, which nothing in the cluster fetches: CRD schema
 * descriptions, alert runbooks.
 */
const DOCUMENTATION_KEYS = ['description', 'runbook_url'];

/**
 * Every string of a value except documentation, with its path; PromQL comment lines and the
 * links of Grafana dashboards (`"url": …` in their JSON) are documentation too.
 */
function strings(value: unknown, path = ''): { path: string; text: string }[] {
  if (typeof value === 'string')
    return [{ path, text: value.replace(/^\s*#.*$/gm, '').replace(/"url": "[^"]*"/g, '') }];
  if (Array.isArray(value)) return value.flatMap((v, i) => strings(v, `${path}[${i}]`));
  if (value && typeof value === 'object') {
    return Object.entries(value)
      .filter(([k]) => !DOCUMENTATION_KEYS.includes(k))
      .flatMap(([k, v]) => strings(v, path ? `${path}.${k}` : k));
  }
  return [];
}

/** A public registry named at the start of a reference (not as a path segment under a mirror). */
const PUBLIC_REFERENCE = new RegExp(
  `(^|[\\s"'=:])(${PUBLIC_REGISTRIES.map((r) => r.replace(/\./g, '\\.')).join('|')})/`,
);
const URL_HOSTS = /https?:\/\/([^/\s"':]+)/g;

/**
 * Hosts an air-gapped site may name: its mirrors, its own Git server, its own domain (SSO, audit), in-cluster services.
 */
function allowedHost(site: typeof lab, host: string): boolean {
  const own = [mirrors.git, mirrors.http, site.gitops.repoURL].map((u) => new URL(u).hostname);
  const domains = own.map((h) => h.split('.').slice(1).join('.'));
  return (
    own.includes(host) ||
    domains.some((d) => host.endsWith(`.${d}`)) ||
    host === mirrors.registry.split(/[:/]/)[0] ||
    host.endsWith('.svc') ||
    host.endsWith('.svc.cluster.local') ||
    host === 'localhost' ||
    host === '127.0.0.1'
  );
}

function publicReferences(site: typeof lab, where: string, texts: { path: string; text: string }[]): string[] {
  return texts.flatMap(({ path, text }) => [
    ...(PUBLIC_REFERENCE.test(text) ? [`${where} ${path}: public registry in '${text.slice(0, 120)}'`] : []),
    ...[...text.matchAll(URL_HOSTS)]
      .filter((m) => !allowedHost(site, m[1]))
      .map((m) => `${where} ${path}: public URL ${m[0]}`),
  ]);
}

describe('mirror naming', () => {
  test.each([
    ['redis:7.0.11-alpine', 'docker.io/library/redis:7.0.11-alpine'],
    ['flannel/flannel:v0.22.0', 'docker.io/flannel/flannel:v0.22.0'],
    ['ghcr.io/zalando/spilo-15:3.0-p1', 'ghcr.io/zalando/spilo-15:3.0-p1'],
    ['localhost:5000/x:1', 'localhost:5000/x:1'],
  ])('%s is %s with its registry made explicit', (ref, full) => {
    expect(fullImageName(ref)).toBe(full);
  });
  test('the mirror keeps the upstream registry as the first path segment', () => {
    expect(mirrorImage(mirrors, 'redis:7')).toBe('registry.lab.example.org:5000/mirror/docker.io/library/redis:7');
    expect(mirrorUrl('https://mirror.example.org', 'https://pkgs.k8s.io/core:/stable:/v1.27/deb/')).toBe(
      'https://mirror.example.org/pkgs.k8s.io/core:/stable:/v1.27/deb/',
    );
    expect(mirrorUrl('https://git.example.org/m', 'https://github.com/rook/rook.git')).toBe(
      'https://git.example.org/m/github.com/rook/rook.git',
    );
  });
});

describe('an air-gapped site (lab) references no public registry or URL', () => {
  const apps = renderedApps(lab);
  const objects = [...apps.values()].flat();

  test('every image of every rendered object comes from the mirror', () => {
    const images = objects
      .filter((o) => o.kind !== 'CustomResourceDefinition')
      .flatMap((o) => imagesOf(o).map((i) => i.image));
    expect(images.length).toBeGreaterThan(3);
    for (const image of images) expect(image.startsWith(`${mirrors.registry}/`), image).toBe(true);
    const config = objectOf(apps, 'postgres-operator', 'ConfigMap', 'postgres-operator') as K8sObject & {
      data: Record<string, string>;
    };
    expect(config.data.docker_image).toBe(`${mirrors.registry}/${catalogOf(lab).images.spilo}`);
  });

  test('no string of any rendered object names a public registry or a public URL', () => {
    expect(objects.flatMap((o) => publicReferences(lab, `dist/lab ${o.kind}/${o.metadata.name}`, strings(o)))).toEqual(
      [],
    );
  });

  test('no cloud-init file names a public registry, image or URL', () => {
    // on Flannel: its pinned kube-flannel.yml is in the first control plane's cloud-init (Canal is the operator's)
    const files = renderHostBootstrap(labOnFlannel);
    expect(files.size).toBe(lab.nodes.length);
    const found = [...files].flatMap(([file, text]) =>
      publicReferences(
        lab,
        `host-bootstrap/lab/${file}`,
        text.split('\n').map((line, i) => ({ path: `line ${i + 1}`, text: line })),
      ),
    );
    expect(found).toEqual([]);
    // and the embedded manifests' images are mirrored (Flannel's, from the pinned kube-flannel.yml, and kube-vip's)
    const cp = files.get('lab-cp1.yaml') ?? '';
    const images = [...cp.matchAll(/image: (\S+)/g)].map((m) => m[1]);
    expect(images.length).toBeGreaterThanOrEqual(2);
    for (const image of images)
      expect(
        image.startsWith(`${mirrors.registry}/ghcr.io/flannel-io/`) ||
          image === `${mirrors.registry}/${catalogOf(lab).images.kubeVip}`,
        image,
      ).toBe(true);
  });

  test('the node pulls the control plane and every other image through the mirror', () => {
    const cp = load(renderHostBootstrap(lab).get('lab-cp1.yaml') ?? '') as {
      write_files: { path: string; content: string }[];
    };
    const kubeadm = cp.write_files.find((f) => f.path === '/run/kubeadm/kubeadm.yaml')?.content ?? '';
    expect(kubeadm).toContain(`imageRepository: ${mirrors.registry}/registry.k8s.io\n`);
    expect(kubeadm).toContain(`imageRepository: ${mirrors.registry}/registry.k8s.io/coredns\n`);
    const containerd = cp.write_files.find((f) => f.path.endsWith('containerd-config.toml'))?.content ?? '';
    // lab runs the current train: containerd 2.x, a version 3 config
    expect(containerd).toContain(`sandbox = "${mirrors.registry}/registry.k8s.io/pause:3.10.2"`);
    expect(containerd).toContain('config_path = "/etc/containerd/certs.d"');
    for (const registry of PUBLIC_REGISTRIES) {
      const hosts = cp.write_files.find((f) => f.path === `/etc/containerd/certs.d/${registry}/hosts.toml`)?.content;
      expect(hosts, registry).toContain(`[host."https://registry.lab.example.org:5000/v2/mirror/${registry}"]`);
      expect(hosts).toContain('override_path = true');
    }
    // every image the site needs is on a registry containerd sends to the mirror
    for (const { image } of siteImages(lab))
      expect(PUBLIC_REGISTRIES as readonly string[]).toContain(registryOf(image));
  });

  test('every Application syncs this repository (no upstream chart or Git source to mirror), and images in operator flags come from the mirror', () => {
    const out = [...renderedApps(lab).values()].flat();
    for (const app of out.filter((o) => o.kind === 'Application')) {
      expect(
        (app as K8sObject & { spec: { source: { repoURL: string } } }).spec.source.repoURL,
        app.metadata.name,
      ).toBe(lab.gitops.repoURL);
    }
    const project = out.find((o) => o.kind === 'AppProject') as K8sObject & { spec: { sourceRepos: string[] } };
    expect(project.spec.sourceRepos).toEqual([lab.gitops.repoURL]);
    const operator = objectOf(
      renderedApps(lab),
      'kube-prometheus',
      'Deployment',
      'prometheus-operator',
    ) as K8sObject & { spec: { template: { spec: { containers: { args?: string[] }[] } } } };
    // kube-prometheus v0.18.0 (the current train's)
    expect(operator.spec.template.spec.containers[0].args).toContain(
      `--prometheus-config-reloader=${mirrors.registry}/quay.io/prometheus-operator/prometheus-config-reloader:v0.92.0`,
    );
  });
});

describe('a connected site (poc) keeps the upstream references', () => {
  test('the same scan finds them (it can fail)', () => {
    const objects = [...renderedApps(poc).values()].flat();
    const found = objects.flatMap((o) => publicReferences(poc, `dist/poc ${o.kind}/${o.metadata.name}`, strings(o)));
    expect(found).toEqual(
      expect.arrayContaining([expect.stringMatching(/public registry in 'ghcr.io\/zalando\/spilo-15/)]),
    );
    const host = [...renderHostBootstrap(poc).values()].flatMap((t) =>
      publicReferences(
        poc,
        'host',
        t.split('\n').map((text) => ({ path: '', text })),
      ),
    );
    expect(host).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/public URL https:\/\/download.docker.com/),
        expect.stringMatching(/public registry in .*flannel/),
      ]),
    );
  });

  test('images and downloads are the public ones', () => {
    const config = objectOf(renderedApps(poc), 'postgres-operator', 'ConfigMap', 'postgres-operator') as K8sObject & {
      data: Record<string, string>;
    };
    expect(config.data.docker_image).toBe(IMAGES.spilo);
    const cp = renderHostBootstrap(poc).get('debian-cp.yaml') ?? '';
    expect(cp).toContain("'https://download.docker.com/linux/debian/gpg'");
    expect(cp).not.toContain('certs.d');
    expect(cp).not.toContain('imageRepository');
  });
});

describe('npm run images', () => {
  const images = siteImages(poc).map((i) => i.image);

  test('lists every image of the rendered manifests, kubeadm, Flannel and the ArgoCD install, with tags', () => {
    const rendered = [...renderedApps(poc).values()]
      .flat()
      .filter((o) => o.kind !== 'CustomResourceDefinition')
      .flatMap((o) => imagesOf(o).map((i) => i.image));
    for (const image of rendered) expect(images).toContain(image);
    expect(images).toEqual(
      expect.arrayContaining([
        IMAGES.spilo,
        IMAGES.postgresOperator,
        'registry.k8s.io/kube-apiserver:v1.26.2',
        'registry.k8s.io/etcd:3.5.6-0',
        'registry.k8s.io/coredns/coredns:v1.9.3',
        'registry.k8s.io/pause:3.9',
        'docker.io/flannel/flannel:v0.22.0',
        'quay.io/argoproj/argocd:v2.7.7',
      ]),
    );
    for (const image of images) expect(image, image).toMatch(/:[\w.-]+$|@sha256:[0-9a-f]{64}$/);
    expect(images).toEqual([...new Set(images)].sort());
  });

  test('an air-gapped site lists the upstream names, and skopeo copies them into its mirror', () => {
    const run = spawnSync('npx', ['tsx', 'scripts/images.ts', '--site', 'lab', '--format', 'skopeo'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(run.status, run.stderr).toBe(0);
    const lines = run.stdout.trim().split('\n');
    const { spilo } = catalogOf(lab).images;
    expect(lines).toContain(`skopeo copy --all docker://${spilo} docker://${mirrors.registry}/${spilo}`);
    expect(lines).toContain(
      `skopeo copy --all docker://registry.k8s.io/kube-apiserver:v1.36.5 docker://${mirrors.registry}/registry.k8s.io/kube-apiserver:v1.36.5`,
    );
    expect(lines).toHaveLength(siteImages(lab).length);
  });

  test('fails on skopeo for a site without mirrors, naming the field to set', () => {
    const run = spawnSync('npx', ['tsx', 'scripts/images.ts', '--site', 'poc', '--format', 'skopeo'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/site 'poc' has no mirrors: set mirrors.registry in sites\/poc.ts/);
  });
});

describe('bad mirrors are refused with the field path and the fix', () => {
  const issues = (m: Partial<MirrorSpec>) => validateMirrors({ ...mirrors, ...m });
  test('fails on a registry written as a URL', () => {
    expect(issues({ registry: 'https://registry.example.org' })).toEqual([
      expect.objectContaining({ path: 'mirrors.registry', message: expect.stringMatching(/without https:\/\//) }),
    ]);
  });
  test('fails on a Git mirror with a trailing slash', () => {
    expect(issues({ git: 'https://git.example.org/mirror/' })).toEqual([
      expect.objectContaining({ path: 'mirrors.git', message: expect.stringMatching(/without a trailing slash/) }),
    ]);
  });
  test('fails on a plain-http HTTP mirror', () => {
    expect(issues({ http: 'http://mirror.example.org' })).toEqual([expect.objectContaining({ path: 'mirrors.http' })]);
  });
  test('a site with a bad mirror does not validate', async () => {
    const { validateSite } = await import('../lib/components/validate');
    expect(
      validateSite(
        withSite(lab, (s) => {
          s.mirrors!.registry = 'Registry.Example.org';
        }),
      ).map((i) => i.path),
    ).toEqual(['mirrors.registry']);
  });
});
