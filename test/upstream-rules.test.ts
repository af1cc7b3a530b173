import { describe, expect, test } from 'vitest';
import { cronProblem } from '../lib/site/cron';
import { isQuantity, parseQuantity } from '../lib/core/quantity';
import { validateSite } from '../lib/components/validate';
import { lab } from '../sites/lab';
import { poc } from '../sites/poc';
import { withSite } from './support/render';
import { labOnMinio } from './support/lab-on-minio';
import type { Site } from '../lib/site/model';

/** The issues of a site changed by `change`, as `path: message` lines. */
const issuesOf = (change: (draft: any) => void, site: Site = poc) =>
  validateSite(withSite(site, change)).map((i) => `${i.path}: ${i.message}`);
const cluster = (change: (pg: any) => void) => issuesOf((s) => change(s.postgres.clusters[0]));

describe('what the Zalando operator refuses (pkg/apis/acid.zalan.do/v1/util.go, pkg/cluster/cluster.go of v1.9.0)', () => {
  test('a cluster name that is not DNS-1035 (a digit after the team prefix is fine, a leading digit is not)', () => {
    expect(
      cluster((pg) => {
        pg.teamId = '1acid';
        pg.name = '1acid-test';
      }),
    ).toEqual([
      expect.stringMatching(
        /^postgres\.clusters\[0\]\.name: cluster name '1acid-test' is refused by the operator \("name must confirm to DNS-1035, regex used for validation is \\"\^\[a-z\]\(\[-a-z0-9\]\*\[a-z0-9\]\)\?\$\\""\)/,
      ),
    ]);
    expect(
      cluster((pg) => {
        pg.name = 'acid-2nd';
      }),
    ).toEqual([]);
  });
  test('a cluster name longer than 58 characters (63 minus "-repl")', () => {
    expect(
      cluster((pg) => {
        pg.name = `acid-${'x'.repeat(54)}`;
      }),
    ).toEqual([
      expect.stringMatching(/has 59 characters: the operator refuses it \("name cannot be longer than 58 characters"/),
    ]);
    expect(
      cluster((pg) => {
        pg.name = `acid-${'x'.repeat(53)}`;
      }),
    ).toEqual([]);
  });
  test('a cluster name without "{TEAM}-"', () => {
    expect(
      cluster((pg) => {
        pg.name = 'acid';
      }),
    ).toEqual([
      expect.stringMatching(
        /must start with its team id: the operator rejects it \("name must match \{TEAM\}-\{NAME\} format"\)/,
      ),
    ]);
  });
  test('a user name outside userRegexp', () => {
    expect(
      cluster((pg) => {
        pg.users.Zalando = [];
      }),
    ).toEqual([
      expect.stringMatching(
        /^postgres\.clusters\[0\]\.users\.Zalando: user 'Zalando' is refused by the operator \("invalid username", userRegexp/,
      ),
    ]);
    expect(
      cluster((pg) => {
        pg.users['app.reader'] = [];
        pg.users['app-writer_1'] = [];
      }),
    ).toEqual([]);
  });
  test.each(['postgres', 'standby'])('the system user %s', (user) => {
    expect(
      cluster((pg) => {
        pg.users[user] = ['login'];
      }),
    ).toEqual([
      expect.stringMatching(
        new RegExp(
          `users\\.${user}: user '${user}' is the operator's own .*"cannot initialize a new manifest robot role with the name of the system user"`,
        ),
      ),
    ]);
  });
  test.each(['admin', 'cron_admin'])('the protected role %s', (user) => {
    expect(
      cluster((pg) => {
        pg.users[user] = [];
      }),
    ).toEqual([
      expect.stringMatching(/is a protected role \(protected_role_names, "The default list is admin and cron_admin"\)/),
    ]);
  });
  test('a database name outside databaseNameRegexp', () => {
    expect(
      cluster((pg) => {
        pg.databases = { 'foo-db': 'zalando' };
      }),
    ).toEqual([
      expect.stringMatching(
        /^postgres\.clusters\[0\]\.databases\.foo-db: database 'foo-db' is refused by the operator \("invalid database name"/,
      ),
    ]);
  });
});

describe('S3 bucket names (the AWS rules MinIO applies)', () => {
  test.each([
    ['ab', 'must be between 3'],
    ['Postgres-Backups', 'consist only of lowercase'],
    ['-backups', 'begin and end with a letter or number'],
    ['pg..backups', 'two adjacent periods'],
    ['192.168.1.10', 'formatted as an IP address'],
    ['xn--backups', 'xn--'],
  ])("'%s' (%s)", (bucket, rule) => {
    const issues = issuesOf((s) => {
      s.minio.buckets = [bucket];
      delete s.postgres.backups;
    });
    expect(issues).toEqual([expect.stringContaining(`minio.buckets[0]: '${bucket}' is not an S3 bucket name (`)]);
    expect(issues[0]).toContain(rule);
  });
  test("the runbook's bucket and dotted names are accepted", () => {
    expect(
      issuesOf((s) => {
        s.minio.buckets.push('pg.backups.2026');
      }),
    ).toEqual([]);
  });
});

describe("namespaces: DNS-1123 labels the site owns, never Kubernetes' own", () => {
  test.each(['kube-system', 'default', 'kube-public', 'kube-node-lease', 'kube-postgres'])('%s', (ns) => {
    expect(
      issuesOf((s) => {
        s.postgres.clusters[0].namespace = ns;
      }),
    ).toEqual([
      expect.stringMatching(
        new RegExp(
          `^postgres\\.clusters\\[0\\]\\.namespace: namespace '${ns}' belongs to Kubernetes \\("Kubernetes starts with four initial namespaces`,
        ),
      ),
    ]);
  });
  test("the operator's and MinIO's namespaces too (MinIO's was not checked at all)", () => {
    // each component's rules, in registry order (lib/components/index.ts): minio before postgres-operator
    expect(
      issuesOf((s) => {
        s.postgres.operator.namespace = 'default';
        s.minio.namespace = 'MinIO';
      }),
    ).toEqual([
      expect.stringMatching(/^minio\.namespace: namespace 'MinIO' is not a DNS-1123 label/),
      expect.stringMatching(/^postgres\.operator\.namespace: namespace 'default' belongs to Kubernetes/),
    ]);
  });
});

describe('cron schedules: five fields, each in its range (crontab(5))', () => {
  test.each([
    ['0 25 * * *', "the hour field '25': 25 is outside 0-23"],
    ['60 1 * * *', "the minute field '60': 60 is outside 0-59"],
    ['0 1 0 * *', "the day of month field '0': 0 is outside 1-31"],
    ['0 1 * 13 *', "the month field '13': 13 is outside 1-12"],
    ['0 1 * * 8', "the day of week field '8': 8 is outside 0-7"],
    ['0 1 * *', 'it has 4 fields, cron has 5'],
    ['0 5-1 * * *', 'the range runs backwards'],
    ['*/0 * * * *', 'step 0'],
  ])("'%s' is refused: %s", (schedule, why) => {
    const issues = issuesOf((s) => {
      s.postgres.backups.schedule = schedule;
    });
    expect(issues).toEqual([
      expect.stringContaining(`postgres.backups.schedule: '${schedule}' is not a cron schedule: `),
    ]);
    expect(issues[0]).toContain(why);
  });
  test.each(['0 1 * * *', '30 2 * * *', '*/15 0-6,22-23 * * mon-fri', '0 3 1 jan,jul 0', '0 0 * * 7'])(
    "'%s' is accepted",
    (schedule) => {
      expect(cronProblem(schedule)).toBeUndefined();
    },
  );
});

describe("Kubernetes quantities in apimachinery's full grammar", () => {
  test.each([
    ['1e3', 1000],
    ['500m', 0.5],
    ['1.5Gi', 1.5 * 2 ** 30],
    ['1E3', 1000],
    ['2E', 2e18],
    ['.5Ki', 512],
    ['1.', 1],
    ['+1k', 1000],
    ['12e-1', 1.2],
  ])('%s = %d', (q, value) => {
    expect(isQuantity(q)).toBe(true);
    expect(parseQuantity(q)).toBeCloseTo(value);
  });
  test.each(['1.5 Gi', '1GB', 'e3', '1e', '1ki', 'Gi', '1e3Gi'])('%s is refused', (q) => {
    expect(isQuantity(q)).toBe(false);
    expect(
      cluster((pg) => {
        pg.volume.size = q;
      }),
    ).toEqual([expect.stringMatching(/^postgres\.clusters\[0\]\.volume\.size: .* is not a Kubernetes quantity: /)]);
  });
  test('an exponent works where a suffix does (node memory)', () => {
    expect(
      issuesOf((s) => {
        s.nodes[0].memory = '8e9';
      }),
    ).toEqual([]);
  });
});

describe('StorageClass and URL inputs', () => {
  test('reclaimPolicy is Retain or Delete, in that case', () => {
    expect(
      issuesOf((s) => {
        s.ceph.reclaimPolicy = 'Recycle';
      }),
    ).toEqual(["ceph.reclaimPolicy: unknown reclaimPolicy 'Recycle': use one of Retain, Delete"]);
  });
  test('StorageClass names are DNS-1123 subdomains', () => {
    expect(
      issuesOf((s) => {
        s.externalStorageClasses = ['Local_Path'];
        s.ceph.blockStorageClass = 'ceph.block';
        s.postgres.clusters[0].volume.storageClass = 'ceph.block';
        s.monitoring.prometheus.storage.storageClass = 'ceph.block';
      }),
    ).toEqual([
      "externalStorageClasses[0]: 'Local_Path' is not a StorageClass name (a DNS-1123 subdomain: lower-case letters, digits, '-' and '.', at most 253 characters)",
    ]);
  });
  test('a MinIO storageClass the site does not provide', () => {
    expect(
      issuesOf((s) => {
        s.minio.storageClass = 'local-path';
      }),
    ).toEqual([
      expect.stringMatching(
        /^minio\.storageClass: StorageClass 'local-path' is not provided by this site \(it has rook-ceph-block\): list it in externalStorageClasses/,
      ),
    ]);
    expect(
      issuesOf((s) => {
        s.minio.storageClass = 'local-path';
        s.externalStorageClasses = ['local-path'];
      }),
    ).toEqual([]);
  });
  test.each(['audit.lab.example.org/minio', 'ftp://audit.lab.example.org/minio'])(
    'an audit webhook endpoint without an http(s) scheme: %s',
    (endpoint) => {
      expect(
        issuesOf((s) => {
          s.minio.auditWebhook.endpoint = endpoint;
        }, labOnMinio),
      ).toEqual([
        `minio.auditWebhook.endpoint: '${endpoint}' is not an http(s) URL: write the scheme and host, e.g. 'https://audit.example.org/minio'`,
      ]);
    },
  );
});

describe('the control plane endpoint and etcd quorum', () => {
  const cp = (name: string, address: string) => ({ name, address, roles: ['control-plane'], cpu: 4, memory: '8Gi' });
  test('with one control plane, an address that is not its own', () => {
    expect(
      issuesOf((s) => {
        s.kubernetes.controlPlaneEndpoint = '10.10.10.31:6443';
      }),
    ).toEqual([
      "kubernetes.controlPlaneEndpoint: 10.10.10.31 is not the address of the control plane 'debian-cp' (10.10.10.30), it is 'dnumworker1''s: kubeadm join would reach no API server; use 10.10.10.30:6443",
    ]);
    expect(
      issuesOf((s) => {
        s.kubernetes.controlPlaneEndpoint = '10.10.10.99';
      }),
    ).toEqual([expect.stringMatching(/10\.10\.10\.99 is not the address of the control plane 'debian-cp'/)]);
  });
  test("a DNS name is accepted (the lab's): it cannot be resolved offline", () => {
    expect(validateSite(lab)).toEqual([]);
  });
  test("two control planes: an even etcd, and an endpoint that is one node's address", () => {
    expect(
      issuesOf((s) => {
        s.nodes.push(cp('debian-cp2', '10.10.10.29'));
      }),
    ).toEqual([
      expect.stringMatching(
        /^nodes: 2 control-plane nodes run 2 stacked etcd members, which lose quorum when 1 fail\(s\) \(etcd: "An etcd cluster needs a majority of nodes, a quorum, to agree on updates"/,
      ),
      expect.stringMatching(
        /^kubernetes\.controlPlaneEndpoint: 10\.10\.10\.30 is the address of node 'debian-cp': with 2 control planes the endpoint must be a load-balanced address/,
      ),
    ]);
  });
  test('three control planes behind a VIP (and the interface kube-vip announces it on) are accepted', () => {
    expect(
      issuesOf((s) => {
        s.nodes.push(cp('debian-cp2', '10.10.10.28'), cp('debian-cp3', '10.10.10.29'));
        s.kubernetes.controlPlaneEndpoint = '10.10.10.100:6443';
        s.kubernetes.vipInterface = 'ens18'; // kube-vip announces the VIP on it
      }),
    ).toEqual([]);
  });
});
