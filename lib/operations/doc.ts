import type { PostgresClusterSpec, Site } from '../site/model';
import { credentialsSecret, poolerName } from '../site/postgres-names';
import { clusterNamespace } from '../site/resolve';
import type { Operation } from './catalog';
import type { OperationResult } from './run';

/** Long diffs (a cloud-init file per node) are cut in the doc: the command shows them whole. */
const MAX_OUTPUT_LINES = 60;

const fence = (lang: string, text: string) => ['```' + lang, text, '```'];

function cut(output: string): string {
  const lines = output.split('\n');
  if (lines.length <= MAX_OUTPUT_LINES) return output;
  return [
    ...lines.slice(0, MAX_OUTPUT_LINES),
    `… (${lines.length - MAX_OUTPUT_LINES} more lines: apply the change and run npm run diff)`,
  ].join('\n');
}

function section(op: Operation, result: OperationResult): string[] {
  return [
    `## ${op.title}`,
    '',
    `${op.site ? `On site \`${op.site}\`. ` : ''}${op.intro}`,
    '',
    ...(op.setup?.length
      ? [
          `Starting point: ${op.setup.map((e) => `\`${e.from.trim()}\` → \`${e.to.trim().split('\n').pop()}\` in \`${e.file}\``).join(', ')}.`,
          '',
        ]
      : []),
    'The change:',
    '',
    ...fence('diff', result.sourceDiff),
    '',
    op.refused ? '`npm run synth` refuses it:' : '`npm run synth && npm run diff` then prints:',
    '',
    ...fence('', cut(result.output)),
    '',
    ...(result.plan.length
      ? ['and ends with the plan of the running nodes, in order:', '', ...fence('', result.plan.join('\n').trim()), '']
      : []),
    '**Then**',
    '',
    ...op.then.map((t) => `- ${t}`),
    '',
    ...(op.verify.length ? ['**Verify**', '', ...fence('sh', op.verify.join('\n')), ''] : []),
    ...(op.provenLive?.length
      ? [
          `**Proven live**: \`npm run verify -- --site ${op.site ?? 'poc'} --operations ${op.provenLive.join(',')}\` performs this on running databases (the real operator, Patroni, PostgreSQL, WAL-G and an S3 server) and checks the rows, leaders and replicas on them; CI runs it on every change ([verify](verify.md#day-2-operations-live)).`,
          '',
        ]
      : []),
  ];
}

function clientSection(site: Site, pg: PostgresClusterSpec): string[] {
  const ns = clusterNamespace(pg);
  const [user] = Object.keys(pg.users ?? { postgres: [] });
  const [db] = Object.keys(pg.databases ?? { postgres: '' });
  const secret = credentialsSecret(pg.name, user);
  return [
    '## Connect a client',
    '',
    `No change to the site: the operator creates a Service \`${pg.name}\` (primary) and \`${pg.name}-repl\` (replicas) in \`${ns}\`, and one Secret per role. For \`${pg.name}\` of site ${site.name}, as \`${user}\` on database \`${db}\`:`,
    '',
    ...fence(
      'sh',
      [
        `kubectl -n ${ns} port-forward svc/${pg.name} 5432:5432 &`,
        `export PGPASSWORD="$(kubectl -n ${ns} get secret ${secret} -o jsonpath='{.data.password}' | base64 -d)"`,
        'export PGSSLMODE=require   # Spilo serves TLS (a self-signed certificate unless one is configured)',
        `psql -h localhost -U ${user} ${db}`,
      ].join('\n'),
    ),
    '',
    'Inside the cluster, applications use the Service DNS name ' +
      `\`${pg.name}.${ns}.svc\` and mount the Secret; underscores in role names become dashes in Secret names.`,
    '',
    'Every way in, as a libpq connection string (the password in `PGPASSWORD`, never in the string):',
    '',
    '| path | needs | connection string |',
    '| --- | --- | --- |',
    ...connectionPaths(pg.name, ns).map(
      ([path, needs, host]) =>
        `| ${path} | ${needs} | \`host=${host} port=5432 dbname=${db} user=${user} sslmode=require\` |`,
    ),
    '',
    `A load-balanced Service's address is MetalLB's: \`kubectl -n ${ns} get svc ${poolerName(pg.name, 'master')} -o jsonpath='{.status.loadBalancer.ingress[0].ip}'\` ` +
      "(`<pending>` when the pool is exhausted or absent); only clients in the cluster's `allowedSourceRanges` get through. " +
      "Spilo and the operator's pgbouncer image both serve TLS with self-signed certificates (`sslmode=require` encrypts, authenticates no server); with the cluster's `tls` (a certificate for these names, signed by the site's CA) clients use `sslmode=verify-full sslrootcert=<the site CA>` (docs/security.md#postgres-tls). " +
      'A pooler in `transaction` mode keeps no session state between transactions (see the connection pooler section above).',
    '',
  ];
}

/** Primary, replicas, their poolers, and the same from outside through load balancers: [path, what it needs, host]. */
function connectionPaths(name: string, ns: string): [string, string, string][] {
  const inside = (service: string) => `${service}.${ns}.svc`;
  return [
    ['primary, in the cluster', '-', inside(name)],
    ['replicas, in the cluster (read only)', '-', inside(`${name}-repl`)],
    ['primary through pgbouncer', '`enableConnectionPooler`', inside(poolerName(name, 'master'))],
    ['replicas through pgbouncer', '`enableReplicaConnectionPooler`', inside(poolerName(name, 'replica'))],
    ['primary, from outside', '`enableMasterLoadBalancer`, `allowedSourceRanges`', `<EXTERNAL-IP of ${name}>`],
    ['replicas, from outside', '`enableReplicaLoadBalancer`', `<EXTERNAL-IP of ${name}-repl>`],
    [
      'primary through pgbouncer, from outside',
      '`enableMasterPoolerLoadBalancer`',
      `<EXTERNAL-IP of ${poolerName(name, 'master')}>`,
    ],
    [
      'replicas through pgbouncer, from outside',
      '`enableReplicaPoolerLoadBalancer`',
      `<EXTERNAL-IP of ${poolerName(name, 'replica')}>`,
    ],
  ];
}

/** How a site changes trains: what the project does today and what it does not yet. */
const TRAIN_SECTION = [
  '## Move a site to the next train',
  '',
  'A site runs the versions of its train (`release:` in the site, `lib/site/trains/<name>.ts`), with single',
  'versions overridden on top (`versions:`). Moving a site is a change of `release` (or of overrides)',
  "reviewed like any other: `npm run synth` validates the site against the new train's declared",
  'constraints, `npm run diff` shows every object that changes.',
  '',
  '**What exists now**',
  '',
  '- Two trains, `runbook-2023` (Kubernetes 1.26/1.27) and `current` (1.36). A site may override any single',
  '  version (Spilo, Ceph, containerd, the Kubernetes packages...; a version that names upstream files only with',
  '  a value some train pins, whose files `npm run import` imported): roll it to one site first, then write it',
  '  into the train and drop the overrides. The site report lists the train and marks each override.',
  '- The compatibility guard: a component outside its stated Kubernetes range, a PostgreSQL major the',
  '  operator does not accept, a Ceph release its Rook does not support are refused with the upstream source;',
  '  where a train runs a component outside a range as the runbook did, the site accepts it explicitly',
  '  (`acceptUnsupported`) and gets a warning (no train does today).',
  '- Upgrade paths: `npm run diff` compares each site with its rendered report and dist/ at the base revision',
  '  and explains each step (Kubernetes and Rook one minor at a time, Ceph one release at a time, PostgreSQL',
  "  majors through the operator's in-place upgrade); a skipped step or a downgrade is refused (REFUSED, and",
  '  `npm run check -- --base <rev>` fails, as the pr-diff workflow runs it) with the next allowed step named.',
  '  Take a train move as several commits, one step each.',
  '',
  '**Moving runbook-2023 → current** (what the upgrade rules ask, step by step)',
  '',
  '1. One Kubernetes minor per commit: 1.27 → 1.28 → … → 1.36, control plane first (`kubeadm upgrade apply`), then each',
  "   node's kubelet. The trains pin only 1.26/1.27 and 1.36: an intermediate minor needs its packages, pause image",
  '   and schema pinned in a train first (`kubernetesPackages`, `pause`, `etcd`, `coredns`, `kubernetesSchemas`, then',
  '   `npm run import`). Every component must support each intermediate minor (the guard says which does not:',
  '   kube-prometheus v0.13.0 stops at 1.28, cert-manager v1.12 at 1.32), so they move along the way.',
  '2. Rook one minor at a time (v1.9 → v1.10 → … → v1.20), Ceph one release at a time (Pacific v16 → Quincy v17 →',
  '   Reef v18 → Squid v19 → Tentacle v20), each Ceph release one the Rook of that step supports. From Rook v1.20',
  '   the Ceph CSI operator deploys the drivers (`csi-operator.yaml`, the RBD `Driver` CR): rendered by the',
  '   rook-ceph-operator app on that train.',
  "3. postgres-operator v1.9.0 → v2.0.1: Patroni's state moves from Endpoints to ConfigMaps",
  '   (`kubernetes_use_configmaps: true` on the current train). Scale every cluster to `numberOfInstances: 1` in',
  '   a commit of its own, let it sync, then move, then scale back (postgres-operator@v2.0.1:docs/migrate.md:15-23);',
  '   `npm run diff` refuses the switch while replicas run. PostgreSQL majors below 14 must be upgraded first',
  '   (v2.0.1 accepts 14 to 18).',
  "4. The MinIO tier: the current train's S3 store is Rook's CephObjectStore (`s3: { provider: 'ceph-object-store' }`,",
  "   the `lab` example; docs/ceph-object-store.md#moving-an-existing-site-from-minio). Until a site's backups have",
  "   moved, it may keep MinIO with `s3: { provider: 'minio' }`, `acceptUnsupported: ['minioOperator']` (a warning)",
  "   and `versions: { minioOperator: 'v5.0.6', minio: …, kes: … }`.",
  '',
  '`npm run diff` names the train change and refuses each skipped step with the next one; `npm run verify` runs',
  '  the site against the Kubernetes release and operator of its train (1.36.5 and v2.0.1 on `current`).',
  '',
  '**What is missing**',
  '',
  '- Intermediate minors (1.28 … 1.35) pinned in a train, so the steps above can be rendered and checked one by one.',
  '- Moving the backups from MinIO to the object store is by hand (a fresh base backup once the store is up).',
  '',
];

/** docs/operations.md: the operations of the catalog on a site, each with its generated diff. */
export function operationsDoc(
  site: Site,
  operations: readonly Operation[],
  results: ReadonlyMap<string, OperationResult>,
): string {
  const pg = site.postgres.clusters[0];
  return [
    '<!-- generated by scripts/operations-doc.ts (npm run docs:operations) from lib/operations/catalog.ts: do not edit -->',
    '# Day-2 operations',
    '',
    `Each operation is one reviewed change to the sources, shown on site \`${site.name}\`: edit, run`,
    '`npm run synth`, read `npm run diff` (its impact notes say what will happen), open a PR, merge, and',
    'ArgoCD syncs. The outputs below are produced by applying each change to a copy of this repository;',
    '`test/operations.test.ts` regenerates them and fails when this page is stale.',
    '',
    ...operations.map(
      (op) =>
        `- [${op.title}](#${op.title
          .toLowerCase()
          .replace(/[^a-z0-9 -]/g, '')
          .replace(/ /g, '-')})`,
    ),
    '- [Move a site to the next train](#move-a-site-to-the-next-train)',
    '- [Connect a client](#connect-a-client)',
    '',
    ...operations.flatMap((op) => {
      const result = results.get(op.id);
      if (!result) throw new Error(`no result for operation ${op.id}`);
      return section(op, result);
    }),
    ...TRAIN_SECTION,
    ...(pg ? clientSection(site, pg) : []),
  ].join('\n');
}
