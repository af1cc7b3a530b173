import { describe, expect, test } from 'vitest';
import type { Site } from '../lib/site/model';
import { validateSite } from '../lib/components/validate';
import { lab } from '../sites/lab';
import { poc } from '../sites/poc';
import { withSite } from './support/render';

/** The issue at `path` of a site changed by `change`; fails if there is none. */
function issueAt(change: (draft: any) => void, path: string): string {
  const issues = validateSite(withSite(poc, change));
  const found = issues.find((i) => i.path === path);
  if (!found) throw new Error(`no issue at ${path}; got ${JSON.stringify(issues)}`);
  return found.message;
}

describe('valid sites', () => {
  test.each([poc, lab] as Site[])('site $name has no issues', (site) => {
    expect(validateSite(site)).toEqual([]);
  });
});

describe('bad input is refused with the field path and the fix', () => {
  test("fails on signedCommits mode 'strict' on a train whose ArgoCD has no sourceIntegrity (2.7)", () => {
    expect(
      issueAt((s) => {
        s.gitops.signedCommits = { keys: ['D56C4FCA57A46444'], mode: 'strict' };
      }, 'gitops.signedCommits.mode'),
    ).toBe(
      "'strict' needs ArgoCD 3.5's sourceIntegrity; ArgoCD v2.7.7 of train 'runbook-2023' verifies the tracked commit only: drop mode (it is 'head' there) or move the site to the 'current' train",
    );
    expect(
      validateSite(withSite(lab, (s) => (s.gitops.signedCommits = { keys: ['D56C4FCA57A46444'], mode: 'strict' }))),
    ).toEqual([]);
  });
  test('fails on single sign-on URLs that are not https', () => {
    const sso = (url: string, issuer: string) =>
      validateSite(
        withSite(lab, (s) => {
          s.gitops.sso!.url = url;
          s.gitops.sso!.oidc.issuer = issuer;
        }),
      );
    expect(sso('http://argocd.lab.example.org', 'sso.lab.example.org')).toEqual([
      {
        path: 'gitops.sso.url',
        message:
          "'http://argocd.lab.example.org' is not an https URL: ArgoCD's external address as users reach it, e.g. 'https://argocd.example.org'",
      },
      {
        path: 'gitops.sso.oidc.issuer',
        message:
          "'sso.lab.example.org' is not an https URL: the provider's issuer, e.g. 'https://sso.example.org/realms/platform'",
      },
    ]);
  });
  test('fails on a site name that is not a DNS label', () => {
    expect(
      issueAt((s) => {
        s.name = 'POC_1';
      }, 'name'),
    ).toMatch(/'POC_1' is not a DNS-1123 label/);
  });
  test('fails on a duplicate node name', () => {
    expect(
      issueAt((s) => {
        s.nodes[2].name = 'dnumworker1';
      }, 'nodes[2].name'),
    ).toMatch(/duplicate node name 'dnumworker1' \(also nodes\[1\]\)/);
  });
  test('fails on a node name with upper case', () => {
    expect(
      issueAt((s) => {
        s.nodes[1].name = 'DnumWorker1';
      }, 'nodes[1].name'),
    ).toMatch(/not a DNS-1123 label/);
  });
  test('fails on an invalid IP address', () => {
    expect(
      issueAt((s) => {
        s.nodes[1].address = '10.10.10.300';
      }, 'nodes[1].address'),
    ).toMatch(/'10.10.10.300' is not an IPv4 address/);
  });
  test('fails on two nodes with one address', () => {
    expect(
      issueAt((s) => {
        s.nodes[2].address = '10.10.10.31';
      }, 'nodes[2].address'),
    ).toMatch(/already used by 'dnumworker1'/);
  });
  test('fails on an unknown role', () => {
    expect(
      issueAt((s) => {
        s.nodes[1].roles = ['database'];
      }, 'nodes[1].roles[0]'),
    ).toMatch(/unknown role 'database': use one of control-plane, storage, postgres, s3/);
  });
  test('fails on a node with both storage and s3 roles (both set the label role=)', () => {
    expect(
      issueAt((s) => {
        s.nodes[3].roles = ['storage', 's3'];
      }, 'nodes[3].roles'),
    ).toMatch(/both set the node label 'role'/);
  });
  test('fails on a fractional cpu count', () => {
    expect(
      issueAt((s) => {
        s.nodes[1].cpu = 1.5;
      }, 'nodes[1].cpu'),
    ).toMatch(/not a whole number of cores/);
  });
  test("fails on memory written '2Gb' and suggests '2Gi'", () => {
    expect(
      issueAt((s) => {
        s.nodes[1].memory = '2Gb';
      }, 'nodes[1].memory'),
    ).toMatch(/'2Gb' is not a Kubernetes quantity: use binary units like '2Gi'/);
  });
  test('fails on a disk that is not a device path', () => {
    expect(
      issueAt((s) => {
        s.nodes[3].disks[0].device = 'vdb';
      }, 'nodes[3].disks[0].device'),
    ).toMatch(/not a device path/);
  });
  test('fails on the same device listed twice on a node', () => {
    expect(
      issueAt((s) => {
        s.nodes[3].disks.push({ device: '/dev/vdb', size: '10Gi' });
      }, 'nodes[3].disks[1].device'),
    ).toMatch(/listed twice/);
  });
  test('fails on a kubelet newer than the API server (the runbook ran 1.27.2 workers on a 1.26 control plane)', () => {
    expect(
      issueAt((s) => {
        s.nodes[6].kubeletVersion = '1.27.2';
      }, 'nodes[6].kubeletVersion'),
    ).toMatch(/kubelet 1.27.2 is newer than the control plane 1.26.2/);
  });
  test('fails on a kubelet more than two minors older', () => {
    expect(
      issueAt((s) => {
        s.nodes[1].kubeletVersion = '1.23.0';
      }, 'nodes[1].kubeletVersion'),
    ).toMatch(/more than two minors older/);
  });
  test('fails on a Kubernetes version without pinned schemas', () => {
    expect(
      issueAt((s) => {
        s.kubernetes.version = '1.29.0';
      }, 'kubernetes.version'),
    ).toMatch(/no pinned schemas on train runbook-2023: use one of 1.26, 1.27/);
  });
  test('fails on a malformed control plane endpoint', () => {
    expect(
      issueAt((s) => {
        s.kubernetes.controlPlaneEndpoint = 'https://10.10.10.30';
      }, 'kubernetes.controlPlaneEndpoint'),
    ).toMatch(/not host\[:port\]/);
  });
  test('fails on an invalid pod CIDR', () => {
    expect(
      issueAt((s) => {
        s.kubernetes.podSubnet = '10.244.0.0/33';
      }, 'kubernetes.podSubnet'),
    ).toMatch(/not an IPv4 CIDR/);
  });
  test('fails on a CIDR with host bits set', () => {
    expect(
      issueAt((s) => {
        s.kubernetes.podSubnet = '10.244.1.0/16';
      }, 'kubernetes.podSubnet'),
    ).toMatch(/zero host bits/);
  });
  test('fails on overlapping pod and service CIDRs', () => {
    expect(
      issueAt((s) => {
        s.kubernetes.serviceSubnet = '10.244.128.0/20';
      }, 'kubernetes.serviceSubnet'),
    ).toMatch(/overlaps the pod subnet/);
  });
  test('fails on a node address inside the pod network', () => {
    expect(
      issueAt((s) => {
        s.nodes[1].address = '10.244.3.4';
      }, 'nodes[1].address'),
    ).toMatch(/inside kubernetes.podSubnet/);
  });
  test('fails without a control-plane node', () => {
    expect(
      issueAt((s) => {
        s.nodes[0].roles = ['postgres'];
      }, 'nodes'),
    ).toMatch(/no node has role 'control-plane'/);
  });
  test('fails on a repo URL ArgoCD cannot clone', () => {
    expect(
      issueAt((s) => {
        s.gitops.repoURL = 'git.example.org/repo';
      }, 'gitops.repoURL'),
    ).toMatch(/not a Git URL/);
  });
  test('fails on a cluster name without its team prefix', () => {
    expect(
      issueAt((s) => {
        s.postgres.clusters[0].name = 'test-cluster';
      }, 'postgres.clusters[0].name'),
    ).toMatch(/must start with its team id.*'acid-test-cluster'/);
  });
  test('fails on more instances than nodes with the postgres role', () => {
    expect(
      issueAt((s) => {
        s.postgres.clusters[0].numberOfInstances = 3;
      }, 'postgres.clusters[0].numberOfInstances'),
    ).toMatch(
      /3 instances need as many nodes with role 'postgres' \(label postgres-operator=enabled\), the site has 2/,
    );
  });
  test('fails on zero instances', () => {
    expect(
      issueAt((s) => {
        s.postgres.clusters[0].numberOfInstances = 0;
      }, 'postgres.clusters[0].numberOfInstances'),
    ).toMatch(/not a whole number >= 1/);
  });
  test("fails on a volume size of '1Gb'", () => {
    expect(
      issueAt((s) => {
        s.postgres.clusters[0].volume.size = '1Gb';
      }, 'postgres.clusters[0].volume.size'),
    ).toMatch(/use binary units like '1Gi'/);
  });
  test('fails on a storage class the site does not provide', () => {
    expect(
      issueAt((s) => {
        s.postgres.clusters[0].volume.storageClass = 'my-sc';
      }, 'postgres.clusters[0].volume.storageClass'),
    ).toMatch(/StorageClass 'my-sc' is not provided by this site \(it has rook-ceph-block\)/);
  });
  test('fails on rook-ceph-block on a site without Ceph', () => {
    expect(
      issueAt((s) => {
        delete s.ceph;
      }, 'postgres.clusters[0].volume.storageClass'),
    ).toMatch(/it has none.*enable Ceph/);
  });
  test("fails on a PostgreSQL version the site's operator does not accept (16 on runbook-2023), and on one no train has", () => {
    expect(
      issueAt((s) => {
        s.postgres.clusters[0].version = '16';
      }, 'postgres.clusters[0].version'),
    ).toMatch(
      /^PostgreSQL 16 is not supported by postgres-operator v1.9.0 .*use one of 10, 11, 12, 13, 14, 15 or a train whose operator supports 16/,
    );
    expect(
      issueAt((s) => {
        (s.postgres.clusters[0] as { version: string }).version = '9.6';
      }, 'postgres.clusters[0].version'),
    ).toMatch(
      /'9.6' is supported by no train: runbook-2023 \(postgres-operator v1.9.0\) allows 10, 11, 12, 13, 14, 15 .*current \(postgres-operator v2.0.1\) allows 14, 15, 16, 17, 18/,
    );
  });
  test('fails on an unknown user flag', () => {
    expect(
      issueAt((s) => {
        s.postgres.clusters[0].users.zalando = ['admin'];
      }, 'postgres.clusters[0].users.zalando[0]'),
    ).toMatch(/unknown flag 'admin'/);
  });
  test('fails on a database owned by an undeclared user', () => {
    expect(
      issueAt((s) => {
        s.postgres.clusters[0].databases = { foo: 'nobody' };
      }, 'postgres.clusters[0].databases.foo'),
    ).toMatch(/owner 'nobody' is not in users/);
  });
  test('fails on a limit below its request', () => {
    expect(
      issueAt((s) => {
        s.postgres.clusters[0].resources.limits.memory = '50Mi';
      }, 'postgres.clusters[0].resources.limits.memory'),
    ).toMatch(/limit 50Mi is below the request 100Mi/);
  });
  test('fails on Spilo running as root', () => {
    expect(
      issueAt((s) => {
        s.postgres.clusters[0].securityContext = { runAsUser: 0, runAsGroup: 103, fsGroup: 103 };
      }, 'postgres.clusters[0].securityContext'),
    ).toMatch(/must not run as root/);
  });
  test('fails on a malformed maintenance window', () => {
    expect(
      issueAt((s) => {
        s.postgres.clusters[0].maintenanceWindows = ['Saturday 1am'];
      }, 'postgres.clusters[0].maintenanceWindows[0]'),
    ).toMatch(/not a window/);
  });
  test('fails on a weekday at the end of a maintenance window (its CRD admits it, operator v1.9.0 cannot read it: npm run verify found it)', () => {
    expect(
      issueAt((s) => {
        s.postgres.clusters[0].maintenanceWindows = ['Sun:01:00-Sun:04:00'];
      }, 'postgres.clusters[0].maintenanceWindows[0]'),
    ).toMatch(/a weekday on the start only/);
  });
  test('fails on a cluster declared twice in one namespace', () => {
    expect(
      issueAt((s) => {
        s.postgres.clusters.push(structuredClone(s.postgres.clusters[0]));
      }, `postgres.clusters[${poc.postgres.clusters.length}].name`),
    ).toMatch(/declared twice/);
  });
  test('fails on an invalid namespace', () => {
    expect(
      issueAt((s) => {
        s.postgres.clusters[0].namespace = 'Postgres';
      }, 'postgres.clusters[0].namespace'),
    ).toMatch(/not a DNS-1123 label/);
  });
  test('reports every problem at once, not just the first', () => {
    const issues = validateSite(
      withSite(poc, (s) => {
        s.nodes[1].memory = '2Gb';
        s.postgres.clusters[0].volume.size = '1Gb';
      }),
    );
    expect(issues.map((i) => i.path)).toEqual(['nodes[1].memory', 'postgres.clusters[0].volume.size']);
  });
});
