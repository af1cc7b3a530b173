import { describe, expect, test } from 'vitest';
import { resolveSite } from '../lib/site/resolve';
import { validateBootstrap } from '../lib/site/bootstrap';
import { validateSite } from '../lib/components/validate';
import { catalogOf } from '../lib/site/catalog';
import { lab } from '../sites/lab';
import { poc } from '../sites/poc';
import { withSite } from './support/render';
import { DEBIAN_RELEASES } from '../lib/site/debian';
import { TRAINS } from '../lib/site/trains';

/** The example's catalog (the runbook-2023 train, no overrides). */
const { versions: VERSIONS } = catalogOf(poc);

/** Every issue of poc changed by `change` at `path`. */
function issuesAt(change: (draft: any) => void, path: string): string[] {
  return validateSite(withSite(poc, change))
    .filter((i) => i.path === path)
    .map((i) => i.message);
}

describe('bootstrap options', () => {
  test('poc and lab have nothing to fix', () => {
    expect(validateBootstrap(poc)).toEqual([]);
    expect(validateBootstrap(lab)).toEqual([]);
  });
  test('ArgoCD is installed unless a site says otherwise', () => {
    expect(
      resolveSite(
        withSite(poc, (s) => {
          delete s.bootstrap;
        }),
      ).bootstrap.installArgoCd,
    ).toBe(true);
    expect(
      resolveSite(
        withSite(poc, (s) => {
          s.bootstrap = { installArgoCd: false };
        }),
      ).bootstrap.installArgoCd,
    ).toBe(false);
  });
});

describe('version skew and pinned packages are refused before anything renders', () => {
  test("fails on a kubelet newer than the control plane, the runbook's 1.27.2 MinIO workers on 1.26", () => {
    expect(
      issuesAt((s) => {
        s.nodes[6].kubeletVersion = '1.27.2';
      }, 'nodes[6].kubeletVersion')[0],
    ).toMatch(/kubelet 1\.27\.2 is newer than the control plane 1\.26\.2/);
  });
  test('fails on a kubelet one patch newer than the control plane', () => {
    expect(
      issuesAt((s) => {
        s.nodes[1].kubeletVersion = '1.26.3';
      }, 'nodes[1].kubeletVersion')[0],
    ).toMatch(/kubelet 1\.26\.3 is newer than the control plane 1\.26\.2/);
  });
  test('fails on a control-plane node whose kubeadm and kubelet differ from the control plane it runs', () => {
    expect(
      issuesAt((s) => {
        s.nodes[0].kubeletVersion = '1.26.1';
      }, 'nodes[0].kubeletVersion'),
    ).toContain(
      "control-plane node 'debian-cp' would install kubeadm and kubelet 1.26.1 but run a 1.26.2 control plane (kubernetes.version): a control-plane node runs one version; remove kubeletVersion or set it to 1.26.2",
    );
  });
  test('fails on a worker that would join with the kubeadm of an older minor', () => {
    expect(
      issuesAt((s) => {
        s.nodes[1].kubeletVersion = '1.25.9';
      }, 'nodes[1].kubeletVersion'),
    ).toContain(
      "node 'dnumworker1' would join with kubeadm 1.25.9, but kubeadm join must be the minor that created the cluster (1.26): join at 1.26.2 (remove kubeletVersion) and upgrade nodes later with 'kubeadm upgrade node'",
    );
  });
  test('fails on a Kubernetes release without pinned Debian packages', () => {
    expect(
      issuesAt((s) => {
        s.kubernetes.version = '1.26.5';
      }, 'kubernetes.version'),
    ).toEqual([
      `Kubernetes 1.26.5 has no pinned Debian packages on train runbook-2023 (pinned: ${Object.keys(VERSIONS.kubernetesPackages).join(', ')}): set kubernetes.packageVersion: '1.26.5-1.1' (this site only), or add '1.26.5': '1.26.5-1.1' to kubernetesPackages in lib/site/trains/runbook-2023.ts (every site of the train), after checking it with 'apt-cache madison kubeadm'`,
    ]);
  });
  test('fails on a node version without pinned Debian packages', () => {
    expect(
      issuesAt((s) => {
        s.nodes[2].kubeletVersion = '1.26.1';
      }, 'nodes[2].kubeletVersion'),
    ).toEqual([expect.stringMatching(/^Kubernetes 1\.26\.1 has no pinned Debian packages/)]);
  });
  test('fails on a minor without a pinned sandbox image', () => {
    const pause = VERSIONS.pause as Record<string, string>;
    const saved = { ...pause };
    delete pause['1.26'];
    try {
      expect(validateBootstrap(poc)).toEqual([
        {
          path: 'kubernetes.version',
          message:
            "Kubernetes 1.26 has no pinned sandbox image: add its pause tag ('kubeadm config images list') to pause in lib/site/trains/runbook-2023.ts",
        },
      ]);
    } finally {
      // restored in the train's order: test files share one module graph (isolate: false), and reports list keys in
      // order
      for (const minor of Object.keys(pause)) delete pause[minor];
      Object.assign(pause, saved);
    }
  });
  test("a worker on the control plane's version, written explicitly, is fine", () => {
    expect(
      validateSite(
        withSite(poc, (s) => {
          s.nodes[1].kubeletVersion = '1.26.2';
        }),
      ),
    ).toEqual([]);
  });
});

describe("the nodes' Debian release follows the train, with its cloud-init schema", () => {
  test("every train pins a known release, with that release's cloud-init schema: runbook-2023 Debian 12, current Debian 13", () => {
    for (const train of Object.values(TRAINS)) {
      expect(DEBIAN_RELEASES[train.versions.debian]?.cloudInitSchema).toBe(train.versions.cloudInitSchema);
    }
    expect(TRAINS['runbook-2023'].versions.debian).toBe('12');
    expect(TRAINS.current.versions.debian).toBe('13');
    expect(DEBIAN_RELEASES['12'].codename).toBe('bookworm');
    expect(DEBIAN_RELEASES['13'].codename).toBe('trixie');
  });
  test('refuses an unknown release at versions.debian, naming the known ones', () => {
    expect(
      issuesAt((s) => {
        s.versions = { debian: '11' };
      }, 'versions.debian'),
    ).toEqual([
      "Debian '11' is not a release the host bootstrap knows (known: '12' (bookworm), '13' (trixie)): use one of them, or add it to DEBIAN_RELEASES in lib/site/debian.ts with its codename and cloud-init schema",
    ]);
  });
  test('refuses Debian 13 on the runbook train without the cloud-init schema it is validated against, and takes it with', () => {
    expect(
      issuesAt((s) => {
        s.versions = { debian: '13' };
      }, 'versions.debian'),
    ).toEqual([
      expect.stringMatching(
        /^Debian 13 \(trixie\) nodes have their user-data validated against the cloud-init 26\.2 schema, not 22\.4\.2 \(.*\): set versions: \{ cloudInitSchema: '26\.2' \} or versions: \{ debian: '12' \}$/,
      ),
    ]);
    expect(
      validateBootstrap(
        withSite(poc, (s) => {
          s.versions = { debian: '13', cloudInitSchema: '26.2' };
        }),
      ),
    ).toEqual([]);
  });
  test('refuses a cloud-init schema that is not the one of the release, at versions.cloudInitSchema', () => {
    expect(
      issuesAt((s) => {
        s.versions = { cloudInitSchema: '26.2' };
      }, 'versions.cloudInitSchema'),
    ).toEqual([
      expect.stringMatching(
        /^Debian 12 \(bookworm\) nodes have their user-data validated against the cloud-init 22\.4\.2 schema, not 26\.2 \(.*TRAINS\.md.*\): set versions: \{ cloudInitSchema: '22\.4\.2' \} or versions: \{ debian: '13' \}$/,
      ),
    ]);
  });
});
