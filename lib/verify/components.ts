import { spawn, spawnSync } from 'node:child_process';
import {
  cpSync,
  createWriteStream,
  existsSync,
  mkdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { asArray, asRecord, isRecord } from '../core/records';
import { loadUpstreamYaml, upstreamOf, type Manifest } from '../upstream';
import { catalogOf } from '../site/catalog';
import type { Site } from '../site/model';
import { majorOf, minorOf } from '../core/versions';

/**
 * The Go programs `npm run verify` runs, built from their pinned versions into
 * `.build/tools/<component>-<version>/` (git-ignored) and rebuilt only when a version changes.
 * Each gets a generated go.mod of its own under `.build/tools/src/`: Go resolves and checks every
 * dependency against the module proxy and checksum database, as `go install` would.
 */
export interface Component {
  /** `kubernetes-v1.26.2`: the cache folder. */
  readonly id: string;
  /** The generated go.mod, or where to clone the module's own source (a tag the module proxy cannot serve). */
  readonly goMod?: () => string;
  readonly source?: GitSource;
  /** Package paths to build, and the binaries they give. */
  readonly packages: readonly string[];
  readonly binaries: readonly string[];
  /** About how long its cold build takes on 2 cores (progress lines), minutes. */
  readonly buildMinutes: number;
  /** Files of a module's source concatenated into one file of the cache folder (kwok's stages). */
  readonly asset?: { readonly module: string; readonly files: readonly string[]; readonly into: string };
  /** `-X` settings for the linker (the version a binary reports, as its release build sets it). */
  readonly linkerSettings?: readonly string[];
  /** Build tags, as its release build sets them. */
  readonly tags?: readonly string[];
  /**
   * A required module built from a copy of its source in the build folder (`./<folder>`, which the go.mod replaces it
   * with), with files its release build generates first and its module zip lacks (Alertmanager's web UI assets).
   */
  readonly localCopy?: {
    readonly module: string;
    readonly folder: string;
    readonly files: Readonly<Record<string, string>>;
  };
}

/**
 * A module's source at a tag, cloned with git: its own go.mod and go.sum then pin every dependency (fetched from the
 * module proxy).
 */
interface GitSource {
  /** The repository URL, unless `env` names another (a local mirror). */
  readonly url: string;
  readonly env: string;
  readonly tag: string;
}

/**
 * Where built tools go; its real path when it is a link (a second checkout sharing the first one's tools), so that the
 * absolute paths a build records (the Spilo layer's venv) stay valid for both.
 */
export const TOOLS_DIR = existsSync(resolve('.build/tools'))
  ? realpathSync(resolve('.build/tools'))
  : resolve('.build/tools');

/** The minor (`1.26`) of a Kubernetes version. */

/**
 * The pinned control plane release for a site's Kubernetes version, from the site's own catalog (its
 * train and `versions:` overrides), or an error naming the train entry to add.
 */
export function kubernetesRelease(site: Site): string {
  const { train, versions } = catalogOf(site);
  const siteVersion = site.kubernetes.version;
  const release = versions.verifyKubernetes[minorOf(siteVersion)];
  if (!release) {
    throw new Error(
      `no verify control plane is pinned for Kubernetes ${minorOf(siteVersion)} on train ${train.name}: add '${minorOf(siteVersion)}': '${siteVersion}' to verifyKubernetes in lib/site/trains/${train.name}.ts (or to the site's versions.verifyKubernetes)`,
    );
  }
  return release;
}

function goModule(name: string, requires: string, replaces: readonly string[] = []): string {
  const replace = replaces.length ? `\nreplace (\n${replaces.map((r) => `\t${r}\n`).join('')})\n` : '';
  return `module verify/${name}\n\ngo 1.26\n\nrequire ${requires}\n${replace}`;
}

/**
 * k8s.io/kubernetes cannot be `go install`ed: its go.mod replaces every k8s.io/* staging module with
 * a folder of its own tree. Our go.mod replaces each with its published `v0.<minor>.<patch>`.
 */
function kubernetesGoMod(release: string): string {
  const upstream = goModFile(`k8s.io/kubernetes@v${release}`);
  const staging = [...readFileSync(upstream, 'utf8').matchAll(/^\s*(k8s\.io\/[a-z0-9-]+) => \.\/staging\//gm)].map(
    (m) => m[1],
  );
  if (staging.length === 0) throw new Error(`${upstream} names no staging modules: is it k8s.io/kubernetes' go.mod?`);
  const [, minor, patch] = release.split('.');
  return goModule(
    'kubernetes',
    `k8s.io/kubernetes v${release}`,
    staging.map((m) => `${m} => ${m} v0.${minor}.${patch}`),
  );
}

export function kubernetesComponent(release: string): Component {
  // kubeadm: not run by verify, but the referee of the nodes' kubeadm configs (test/kubeadm-validate.test.ts)
  const binaries = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kubeadm'];
  return {
    id: `kubernetes-v${release}`,
    goMod: () => kubernetesGoMod(release),
    packages: binaries.map((b) => `k8s.io/kubernetes/cmd/${b}`),
    binaries,
    buildMinutes: 10,
  };
}

const kwokComponent = (version: string): Component => ({
  id: `kwok-${version}`,
  goMod: () => goModule('kwok', `sigs.k8s.io/kwok ${version}`),
  packages: ['sigs.k8s.io/kwok/cmd/kwok'],
  binaries: ['kwok'],
  buildMinutes: 3,
  // kwok fakes nothing without stages: nodes become Ready and keep their heartbeat, scheduled pods Running, deleted
  // pods go
  asset: {
    module: `sigs.k8s.io/kwok@${version}`,
    files: [
      'node/fast/node-initialize.yaml',
      'node/heartbeat/node-heartbeat.yaml',
      'pod/fast/pod-ready.yaml',
      'pod/fast/pod-complete.yaml',
      'pod/fast/pod-delete.yaml',
    ].map((f) => `kustomize/stage/${f}`),
    into: 'stages.yaml',
  },
});

/**
 * The same operator release the site runs (its `cmd` package is the operator's main). From v2.0 the
 * tags are no Go module versions: its go.mod still says `module github.com/zalando/postgres-operator`
 * (no /v2 suffix), so the module proxy serves no v2.x.y. That source is cloned at the tag from
 * github.com/zalando/postgres-operator, or from the git repository POSTGRES_OPERATOR_GIT names.
 */
function postgresOperatorComponent(version: string): Component {
  const fromGit = majorOf(version) >= 2;
  return {
    id: `postgres-operator-${version}`,
    ...(fromGit
      ? {
          source: {
            url: 'https://github.com/zalando/postgres-operator.git',
            env: 'POSTGRES_OPERATOR_GIT',
            tag: version,
          },
          packages: ['./cmd'],
        }
      : {
          goMod: () => goModule('postgres-operator', `github.com/zalando/postgres-operator ${version}`),
          packages: ['github.com/zalando/postgres-operator/cmd'],
        }),
    binaries: ['postgres-operator'],
    buildMinutes: 2,
  };
}

/**
 * containerd 2.x of a containerd.io package (`2.3.2-1` → v2.3.2): not run by verify, but the referee of
 * the nodes' containerd config (test/containerd-config.test.ts). 1.x (runbook-2023's containerd.io 1.6)
 * is not built: only the version 3 format of 2.x is checked by the real daemon.
 */
function containerdComponent(containerdPackage: string): Component | undefined {
  const version = `v${containerdPackage.split('-')[0]}`;
  if (majorOf(version) < 2) return undefined;
  return {
    id: `containerd-${version}`,
    goMod: () => goModule('containerd', `github.com/containerd/containerd/v2 ${version}`),
    packages: ['github.com/containerd/containerd/v2/cmd/containerd'],
    binaries: ['containerd'],
    buildMinutes: 3,
  };
}

/**
 * The `replace` and `exclude` directives of a module's go.mod, verbatim: Go applies them only in the main module,
 * so a go.mod of ours that requires the module repeats them to build what its release built.
 */
function goModDirectives(moduleAtVersion: string): string[] {
  const text = readFileSync(goModFile(moduleAtVersion), 'utf8');
  return [...text.matchAll(/^(?:replace|exclude) (?:\([^)]*\)|.*)$/gm)].map((m) => m[0]);
}

/** The tag of an image reference (`quay.io/prometheus/prometheus:v2.46.0` → `v2.46.0`). */
const imageTag = (image: string): string => image.slice(image.lastIndexOf(':') + 1);

/** The Go module version of a Prometheus release: `v2.46.0` → `v0.46.0`, `v3.12.0` → `v0.312.0`. */
export function prometheusModuleVersion(tag: string): string {
  const [major, minor, patch] = tag.replace(/^v/, '').split('.').map(Number);
  if (![2, 3].includes(major) || !Number.isInteger(minor) || !Number.isInteger(patch))
    throw new Error(`prometheus tag ${tag}: expected v2.x.y or v3.x.y to build promtool from`);
  return `v0.${(major - 2) * 300 + minor}.${patch}`;
}

/**
 * promtool of the Prometheus release a site's train runs (`quay.io/prometheus/prometheus:v3.12.0`): the referee of the
 * alert rules we render (`promtool test rules`, test/alert-rules.test.ts). Prometheus' Go module versions are
 * v0.<minor>.<patch> for 2.x and v0.<300 + minor>.<patch> for 3.x.
 */
export const promtoolComponent = (prometheusImage: string): Component =>
  prometheusProgram(prometheusImage, 'promtool', 5);

/** A program (`cmd/<name>`) of the Prometheus module at an image's release, with the module's own directives. */
function prometheusProgram(prometheusImage: string, name: string, buildMinutes: number): Component {
  const tag = imageTag(prometheusImage);
  const module = `github.com/prometheus/prometheus ${prometheusModuleVersion(tag)}`;
  const extras = () => goModDirectives(module.replace(' ', '@')).join('\n');
  return {
    id: `${name}-${tag}`,
    goMod: () => `${goModule(name, module)}\n${extras()}\n`,
    packages: [`github.com/prometheus/prometheus/cmd/${name}`],
    binaries: [name],
    buildMinutes,
    linkerSettings: [`github.com/prometheus/common/version.Version=${tag.replace(/^v/, '')}`],
  };
}

/**
 * What the tests run against a site's rendered output, built with verify's components (`npm run verify -- --build`):
 * containerd 2.x for the host bootstrap, promtool for the alert rules of a monitored site.
 */
export function refereeComponents(site: Site): Component[] {
  const { versions, images } = catalogOf(site);
  const containerd = containerdComponent(versions.containerdPackage);
  return [...(containerd ? [containerd] : []), ...(site.monitoring ? [promtoolComponent(images.prometheus)] : [])];
}

/**
 * actionlint: not run by verify, but the referee of the workflows users copy with the repository (.github/workflows/,
 * test/workflows.test.ts): GitHub's workflow syntax and expressions, known actions' inputs, and each `run:` script
 * through shellcheck. From the Go module proxy, like the other components.
 */
export const ACTIONLINT: Component = {
  id: 'actionlint-v1.7.12',
  goMod: () => goModule('actionlint', 'github.com/rhysd/actionlint v1.7.12'),
  packages: ['github.com/rhysd/actionlint/cmd/actionlint'],
  binaries: ['actionlint'],
  buildMinutes: 1,
  linkerSettings: ['github.com/rhysd/actionlint.version=v1.7.12'],
};

/**
 * WAL-G at the version a Spilo tag builds, with Spilo's build tags (libsodium: encrypted backups; lzo: Spilo's
 * `make pg_build`; brotli needs a git submodule and is left out). Its tags are no Go module versions the proxy serves
 * (no /v2 module path): cloned from GitHub, or from the git repository WALG_GIT names.
 */
export function walgComponent(version: string): Component {
  return {
    id: `wal-g-${version}`,
    source: { url: 'https://github.com/wal-g/wal-g.git', env: 'WALG_GIT', tag: version },
    packages: ['./main/pg'],
    binaries: ['wal-g'],
    buildMinutes: 3,
    tags: ['libsodium', 'lzo'],
    linkerSettings: [`github.com/wal-g/wal-g/cmd/pg.walgVersion=${version}`],
  };
}

/**
 * postgres_exporter at the version of the site's sidecar image: the live data plane runs it beside PostgreSQL. Its
 * tags are no module versions the proxy serves: cloned from GitHub, or from the repository POSTGRES_EXPORTER_GIT names.
 */
export const postgresExporterComponent = (version: string): Component => ({
  id: `postgres_exporter-${version}`,
  source: {
    url: 'https://github.com/prometheus-community/postgres_exporter.git',
    env: 'POSTGRES_EXPORTER_GIT',
    tag: version,
  },
  packages: ['./cmd/postgres_exporter'],
  binaries: ['postgres_exporter'],
  buildMinutes: 2,
  linkerSettings: [`github.com/prometheus/common/version.Version=${version.replace(/^v/, '')}`],
});

/**
 * The S3 server standing in for a site's MinIO tenant or Rook RGW (neither builds from the module proxy): versitygw on
 * a POSIX folder, a real S3 API (SigV4, buckets, multipart) that WAL-G talks to as to the site's store.
 */
const VERSITYGW = 'v1.8.0';
export const versitygwComponent = (): Component => ({
  id: `versitygw-${VERSITYGW}`,
  goMod: () => goModule('versitygw', `github.com/versity/versitygw ${VERSITYGW}`),
  packages: ['github.com/versity/versitygw/cmd/versitygw'],
  binaries: ['versitygw'],
  buildMinutes: 3,
});

/** The components that verify a site, at the versions of its own catalog (train and overrides). */
export interface VerifyComponents {
  readonly kubernetes: Component;
  readonly kwok: Component;
  readonly postgresOperator: Component;
}

export function verifyComponents(site: Site): VerifyComponents {
  const { versions } = catalogOf(site);
  return {
    kubernetes: kubernetesComponent(kubernetesRelease(site)),
    kwok: kwokComponent(versions.kwok),
    postgresOperator: postgresOperatorComponent(versions.postgresOperator),
  };
}

/** Every component a site needs. */
export function componentsFor(site: Site): Component[] {
  const { kubernetes, kwok, postgresOperator } = verifyComponents(site);
  return [kubernetes, kwok, postgresOperator];
}

export const binaryPath = (c: Component, binary: string): string => join(TOOLS_DIR, c.id, binary);

/**
 * A component whose source only git serves (no module version): where its repository is unreachable
 * (an offline machine whose only network is the package registries) it cannot be built, and verify
 * says which of its checks did not run rather than refusing to start.
 */
export const fromGit = (c: Component): boolean => c.source !== undefined;
/** Its git source was cloned: a build of it that failed then is a failure, not an unreachable repository. */
export const cloned = (c: Component): boolean => fromGit(c) && existsSync(join(TOOLS_DIR, 'src', c.id, 'go.mod'));
export const isBuilt = (c: Component): boolean =>
  [...c.binaries, ...(c.asset ? [c.asset.into] : [])].every((b) => existsSync(binaryPath(c, b)));

/** The go binary: on PATH, or Go's default install folder. */
function findGo(): string | undefined {
  const candidates = [...(process.env.PATH ?? '').split(delimiter).map((d) => join(d, 'go')), '/usr/local/go/bin/go'];
  return candidates.find((p) => existsSync(p));
}

const GO_MISSING =
  'Go (1.26 or newer) is needed to build the verify components: install it from https://go.dev/dl/ (or actions/setup-go) and put go on PATH';

/** `go mod download -json`'s field (`GoMod`: its go.mod file, `Dir`: its source). */
function downloaded(moduleAtVersion: string, field: 'GoMod' | 'Dir'): string {
  const go = findGo();
  if (!go) throw new Error(GO_MISSING);
  const out = spawnSync(go, ['mod', 'download', '-json', moduleAtVersion], { encoding: 'utf8' });
  const info: unknown = out.status === 0 ? JSON.parse(out.stdout) : undefined;
  const value = isRecord(info) ? info[field] : undefined;
  if (typeof value !== 'string')
    throw new Error(`go mod download ${moduleAtVersion} failed: ${out.stderr || out.stdout}`);
  return value;
}
const goModFile = (moduleAtVersion: string): string => downloaded(moduleAtVersion, 'GoMod');

function writeAsset(c: Component): void {
  if (!c.asset) return;
  const dir = downloaded(c.asset.module, 'Dir');
  writeFileSync(
    binaryPath(c, c.asset.into),
    c.asset.files.map((f) => readFileSync(join(dir, f), 'utf8').trim()).join('\n---\n') + '\n',
  );
}

/** A shallow clone of the tag into `dir`, once (a clone already there at the tag is kept). */
function clone(source: GitSource, dir: string): void {
  if (existsSync(join(dir, 'go.mod'))) return;
  const url = process.env[source.env] ?? source.url;
  const out = spawnSync('git', ['clone', '--quiet', '--depth', '1', '--branch', source.tag, url, dir], {
    encoding: 'utf8',
  });
  if (out.status !== 0)
    throw new Error(
      `git clone of ${url} at ${source.tag} failed (set ${source.env} to a reachable copy of the repository): ${out.stderr.trim()}`,
    );
}

/** A module's source copied (writable) into the build folder, with the generated files its zip lacks. */
function copyModule(copy: NonNullable<Component['localCopy']>, src: string): void {
  const to = join(src, copy.folder);
  rmSync(to, { recursive: true, force: true });
  cpSync(downloaded(copy.module, 'Dir'), to, { recursive: true });
  spawnSync('chmod', ['-R', 'u+w', to]);
  for (const [file, text] of Object.entries(copy.files)) {
    mkdirSync(dirname(join(to, file)), { recursive: true });
    writeFileSync(join(to, file), text);
  }
}

/** Where a component's build logs. */
export const buildLog = (c: Component): string => join(TOOLS_DIR, `${c.id}.log`);

/** Build a component (logging to `.build/tools/<id>.log`); resolves with the seconds it took. */
export async function build(c: Component): Promise<number> {
  const go = findGo();
  if (!go) throw new Error(GO_MISSING);
  const src = join(TOOLS_DIR, 'src', c.id);
  const out = join(TOOLS_DIR, c.id);
  mkdirSync(out, { recursive: true });
  if (c.source) clone(c.source, src);
  else {
    mkdirSync(src, { recursive: true });
    writeFileSync(join(src, 'go.mod'), c.goMod?.() ?? '');
  }
  if (c.localCopy) copyModule(c.localCopy, src);
  const log = buildLog(c);
  const started = Date.now();
  // several packages build into a folder; a single one needs a file name (cmd/ would give `cmd`)
  const target = c.packages.length > 1 ? `${out}/` : binaryPath(c, c.binaries[0]);
  const code = await new Promise<number | null>((done) => {
    const stream = createWriteStream(log);
    const ldflags = ['-s', '-w', ...(c.linkerSettings ?? []).map((x) => `-X ${x}`)].join(' ');
    const tags = c.tags?.length ? [`-tags=${c.tags.join(',')}`] : [];
    const child = spawn(
      go,
      ['build', '-mod=mod', '-trimpath', ...tags, `-ldflags=${ldflags}`, '-o', target, ...c.packages],
      {
        cwd: src,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child.stdout.pipe(stream);
    child.stderr.pipe(stream);
    child.on('close', done);
  });
  if (code === 0) writeAsset(c);
  if (code !== 0 || !isBuilt(c)) throw new Error(`building ${c.id} failed (exit ${code}): see ${log}`);
  return (Date.now() - started) / 1000;
}

/**
 * Prometheus itself, of the release a monitored site's train runs: the live data plane runs it with the configuration
 * the real prometheus-operator generates (lib/verify/live/monitoring.ts). The same module as promtool (most of its
 * build is shared); served without its web UI's assets (the `builtinassets` tag is off): its HTTP API is what verify reads.
 */
const prometheusComponent = (prometheusImage: string): Component => prometheusProgram(prometheusImage, 'prometheus', 1);

/** Alertmanager of the release a monitored site's train runs (kube-prometheus' `alertmanager-alertmanager.yaml`). */
const alertmanagerComponent = (alertmanagerImage: string): Component => {
  const tag = imageTag(alertmanagerImage);
  const module = 'github.com/prometheus/alertmanager';
  return {
    id: `alertmanager-${tag}`,
    goMod: () => `${goModule('alertmanager', `${module} ${tag}`)}\nreplace ${module} => ./alertmanager\n`,
    // from 0.28 its web UI is embedded from ui/app/dist, which its release build generates (npm) and its module zip
    // lacks: a placeholder page stands in (verify reads its HTTP API, not its UI)
    localCopy: {
      module: `${module}@${tag}`,
      folder: 'alertmanager',
      files: { 'ui/app/dist/index.html': '<!-- built by npm run verify: no web UI -->\n' },
    },
    packages: [`${module}/cmd/alertmanager`],
    binaries: ['alertmanager'],
    buildMinutes: 2,
    linkerSettings: [`github.com/prometheus/common/version.Version=${tag.replace(/^v/, '')}`],
  };
};

/**
 * prometheus-operator of the release a monitored site's kube-prometheus pins (`prometheusOperator-deployment.yaml`).
 * Its go.mod replaces its own `pkg/apis/monitoring` and `pkg/client` modules with folders of its tree: ours replaces
 * each with its published version of the same tag, and repeats its other directives.
 */
function prometheusOperatorComponent(operatorImage: string): Component {
  const tag = imageTag(operatorImage);
  const module = 'github.com/prometheus-operator/prometheus-operator';
  const directives = () =>
    goModDirectives(`${module}@${tag}`)
      .join('\n')
      .replace(/(\S+) => \.\/(\S+)/g, (_, from: string) => `${from} => ${from} ${tag}`);
  return {
    id: `prometheus-operator-${tag}`,
    goMod: () => `${goModule('prometheus-operator', `${module} ${tag}`)}\n${directives()}\n`,
    packages: [`${module}/cmd/operator`],
    binaries: ['operator'],
    buildMinutes: 4,
    linkerSettings: [`github.com/prometheus/common/version.Version=${tag.replace(/^v/, '')}`],
  };
}

/** The image of a container of a pinned kube-prometheus manifest (`prometheusOperator-deployment.yaml`). */
function kubePrometheusImage(site: Site, file: string, find: (doc: Manifest) => unknown): string {
  const pinned = upstreamOf(catalogOf(site).versions).kubePrometheus.manifests.find((f) =>
    f.path.endsWith(`/manifests/${file}`),
  );
  const image =
    pinned &&
    loadUpstreamYaml(pinned)
      .map(find)
      .find((i) => typeof i === 'string');
  if (typeof image !== 'string') throw new Error(`no image in kube-prometheus manifests/${file} (lib/upstream.ts)`);
  return image;
}

/** The monitoring stack a monitored site's live run starts: its train's prometheus-operator, Prometheus, Alertmanager. */
export interface MonitoringComponents {
  readonly operator: Component;
  readonly prometheus: Component;
  readonly alertmanager: Component;
}

export function monitoringComponents(site: Site): MonitoringComponents | undefined {
  if (!site.monitoring) return undefined;
  const operator = kubePrometheusImage(
    site,
    'prometheusOperator-deployment.yaml',
    (d) =>
      asArray(asRecord(asRecord(asRecord(d.spec).template).spec).containers)
        .map(asRecord)
        .find((c) => c.name === 'prometheus-operator')?.image,
  );
  const alertmanager = kubePrometheusImage(site, 'alertmanager-alertmanager.yaml', (d) => asRecord(d.spec).image);
  return {
    operator: prometheusOperatorComponent(operator),
    prometheus: prometheusComponent(catalogOf(site).images.prometheus),
    alertmanager: alertmanagerComponent(alertmanager),
  };
}
