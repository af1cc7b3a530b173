import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { dockerRepository } from '../lib/bootstrap/packages';
import { DEBIAN_RELEASES } from '../lib/site/debian';
import { SITES } from '../lib/site-files';
import { lab } from '../sites/lab';
import { poc } from '../sites/poc';
import { siteUrl } from '../lib/site/mirrors';
import { catalogOf } from '../lib/site/catalog';
import { stepScript, userData } from './support/bootstrap';

const nodes = SITES.flatMap((site) => site.nodes.map((n) => [`${site.name}/${n.name}`, site, n] as const));
const script = (site: typeof poc, node: string) => stepScript(userData(site, node), '20-install-packages');

describe.each(nodes)('%s', (_id, site, node) => {
  // the site's train: runbook-2023 for poc, current for lab
  const { versions: VERSIONS } = catalogOf(site);
  const s = script(site, node.name);
  const minor = site.kubernetes.version.split('.').slice(0, 2).join('.');
  const pkg = VERSIONS.kubernetesPackages[site.kubernetes.version];
  // an air-gapped site (lab) fetches through its HTTP mirror
  const via = (url: string) => siteUrl(site.mirrors, url);

  const { codename } = DEBIAN_RELEASES[VERSIONS.debian];
  test(`adds Docker's repository of the train's Debian (${codename}) and the minor's pkgs.k8s.io repository, each with its own signed-by keyring`, () => {
    expect(s).toContain(
      `echo "deb [signed-by=/etc/apt/keyrings/docker.gpg] ${via('https://download.docker.com/linux/debian')} ${codename} stable" >/etc/apt/sources.list.d/docker.list`,
    );
    expect(s).toContain(
      `echo "deb [signed-by=/etc/apt/keyrings/kubernetes.gpg] ${via(`https://pkgs.k8s.io/core:/stable:/v${minor}/deb/`)} /" >/etc/apt/sources.list.d/kubernetes.list`,
    );
    expect(s).not.toMatch(/apt-key|trusted\.gpg|apt\.kubernetes\.io|packages\.cloud\.google/);
  });

  test('fetches each key and refuses any but the pinned fingerprint', () => {
    expect(s).toContain(
      `fetch_key '${via('https://download.docker.com/linux/debian/gpg')}' /etc/apt/keyrings/docker.gpg 9DC858229FC7DD38854AE2D88D81803C0EBFCD88`,
    );
    expect(s).toContain(
      `fetch_key '${via(`https://pkgs.k8s.io/core:/stable:/${VERSIONS.kubernetesKeyRepository}/deb/Release.key`)}' /etc/apt/keyrings/kubernetes.gpg DE15B14486CD377B9E876E1A234654DA9A296436`,
    );
  });

  test("installs the train's containerd.io and kubelet, kubeadm, kubectl of the site's release, all one version, and holds them", () => {
    expect(pkg).toMatch(/^1\.\d+\.\d+-1\.1$/);
    expect(s).toMatch(
      new RegExp(
        `^apt_get install containerd\\.io=${VERSIONS.containerdPackage} kubelet=${pkg} kubeadm=${pkg} kubectl=${pkg}$`,
        'm',
      ),
    );
    expect(s).toMatch(/^apt-mark hold containerd\.io kubelet kubeadm kubectl$/m);
  });

  const extras = node.roles.includes('storage') ? ['lvm2'] : node.roles.includes('s3') ? ['xfsprogs'] : [];
  test(`installs the Debian prerequisites${extras.length ? ` and ${extras.join(', ')} (${node.roles.includes('storage') ? 'Rook OSDs' : 'MinIO local volumes'})` : ', no role extras'} before adding the repositories`, () => {
    const base = ['ca-certificates', 'curl', 'gnupg', ...extras];
    expect(s).toMatch(new RegExp(`^apt_get install --no-install-recommends ${base.join(' ')}$`, 'm'));
    expect(s.indexOf('--no-install-recommends')).toBeLessThan(s.indexOf('fetch_key '));
  });
});

test('poc installs the 1.26 packages and containerd 1.6, lab (current train) the 1.36 ones and containerd 2.x (one repository per minor)', () => {
  expect(script(poc, 'dnumworker1')).toContain('containerd.io=1.6.21-1 kubelet=1.26.2-1.1 kubeadm=1.26.2-1.1');
  expect(script(poc, 'dnumworker1')).toContain('/core:/stable:/v1.26/deb/ /');
  expect(script(lab, 'lab-pg1')).toContain('containerd.io=2.3.2-1 kubelet=1.36.5-1.1 kubeadm=1.36.5-1.1');
  expect(script(lab, 'lab-pg1')).toContain('/core:/stable:/v1.36/deb/ /');
});

test('the Docker repository is the one of the runbook (docs.docker.com, Debian), in the suite of the codename', () => {
  const docker = dockerRepository(DEBIAN_RELEASES['12']);
  expect(`${docker.url} ${docker.suite}`).toBe('https://download.docker.com/linux/debian bookworm stable');
});

test('poc installs for Debian 12 (bookworm), lab (current train) for Debian 13 (trixie)', () => {
  expect(script(poc, 'dnumworker1')).toContain('linux/debian bookworm stable"');
  expect(script(lab, 'lab-pg1')).toContain('linux/debian trixie stable"');
});

describe.each([
  ['poc', poc, 'dnumworker1', 'bookworm'],
  ['lab', lab, 'lab-pg1', 'trixie'],
] as const)(
  "the release check of %s's script (run against stand-in os-release files)",
  (_name, site, node, codename) => {
    const check = script(site, node).match(/^codename=.*\nif [\s\S]*?\nfi$/m)![0];
    const run = (osRelease: string) => {
      const dir = mkdtempSync(join(tmpdir(), 'os-release-'));
      writeFileSync(join(dir, 'os-release'), osRelease);
      return spawnSync('bash', ['-euc', `${check.replaceAll('/etc/os-release', join(dir, 'os-release'))}\necho ok`], {
        encoding: 'utf8',
      });
    };
    test(`goes on on ${codename}`, () => {
      expect(run(`PRETTY_NAME="Debian"\nVERSION_CODENAME=${codename}\nID=debian\n`).stdout).toBe('ok\n');
    });
    test('stops on another release, naming both and the fix', () => {
      const r = run('VERSION_CODENAME=bullseye\nID=debian\n');
      expect(r.status).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(
        new RegExp(
          `^this node runs Debian 'bullseye', not Debian \\d+ \\(${codename}\\), the release of the site's train: install Debian \\d+ on it, or set the site's versions\\.debian\n$`,
        ),
      );
    });
  },
);

describe("the script's fetch_key (run with stand-ins for curl and gpg)", () => {
  const fetchKey = script(poc, 'dnumworker1').match(/^fetch_key\(\) \{\n[\s\S]*?\n\}$/m)![0];
  const run = (served: string, pinned: string) =>
    spawnSync(
      'bash',
      [
        '-c',
        [
          'set -euo pipefail',
          'dir="$(mktemp -d)"; trap \'rm -rf "$dir"\' EXIT',
          'curl() { echo key; }',
          `gpg() { if [ "$1" = --show-keys ]; then echo "pub:-:2048:1:X:::"; echo "fpr:::::::::${served}:"; echo "fpr:::::::::SUBKEY:"; else cat >"$4"; fi; }`,
          fetchKey,
          `fetch_key https://example.org/key "$dir/k.gpg" ${pinned}`,
          'test -f "$dir/k.gpg" && echo kept',
        ].join('\n'),
      ],
      { encoding: 'utf8' },
    );

  test('keeps the keyring when the fingerprint is the pinned one', () => {
    const r = run('DE15B14486CD377B9E876E1A234654DA9A296436', 'DE15B14486CD377B9E876E1A234654DA9A296436');
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('kept');
  });

  test('fails, and removes the keyring, on any other key', () => {
    const r = run('0000000000000000000000000000000000000000', 'DE15B14486CD377B9E876E1A234654DA9A296436');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/is not DE15B14486CD377B9E876E1A234654DA9A296436: refusing it/);
    expect(r.stdout).not.toMatch(/kept/);
  });
});
