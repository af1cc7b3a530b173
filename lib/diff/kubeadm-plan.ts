import { minorNumber } from '../core/versions';
import { roleLabel } from '../site/roles';

/**
 * The `kubeadm upgrade` plan of a Kubernetes version change, node by node, read from each node's
 * cloud-init before and after it (host-bootstrap/<site>/<node>.yaml: how the node joins, the
 * kubelet/kubeadm/kubectl version it pins): cloud-init runs at first boot only, so running nodes
 * are upgraded by hand, in the order and with the commands of upstream's procedure.
 */

const SOURCE = 'kubernetes/website:content/en/docs/tasks/administer-cluster/kubeadm/kubeadm-upgrade.md';

type Role = 'first' | 'control-plane' | 'worker';

/** A node as its cloud-init renders it. */
interface PlanNode {
  readonly name: string;
  readonly role: Role;
  /** The Debian version of kubelet, kubeadm and kubectl it pins: '1.27.3-1.1'. */
  readonly packages: string;
  readonly postgres: boolean;
  /** Its control-plane components take kubeadm patches (/etc/kubernetes/patches), which an upgrade must apply again. */
  readonly patches: boolean;
  /** The command that writes its pkgs.k8s.io source, one repository per minor. */
  readonly repository?: string;
}

const release = (packages: string) => packages.split('-')[0];

function planNode(name: string, cloudInit: string): PlanNode | undefined {
  const packages = /\bkubeadm=(\S+)/.exec(cloudInit)?.[1];
  if (packages === undefined) return undefined;
  const label = roleLabel('postgres');
  return {
    name,
    role: /^\s*kind: InitConfiguration$/m.test(cloudInit)
      ? 'first'
      : /^\s*controlPlane:$/m.test(cloudInit)
        ? 'control-plane'
        : 'worker',
    packages,
    // kubeadm v1beta3 writes `node-labels: a=b,c=d`; v1beta4 `- name: node-labels`, then `value: a=b,c=d`
    postgres: (/node-labels(?::|\n\s*value:) (\S+)/.exec(cloudInit)?.[1].split(',') ?? []).includes(
      `${label.key}=${label.value}`,
    ),
    patches: cloudInit.includes('directory: /etc/kubernetes/patches'),
    repository: /^\s*(echo "deb \[signed-by=\S*kubernetes\.gpg\] .*kubernetes\.list)$/m.exec(cloudInit)?.[1],
  };
}

/** The nodes of each site in a host-bootstrap tree (`<site>/<node>.yaml` → cloud-init). */
function nodesBySite(host: ReadonlyMap<string, string>): Map<string, PlanNode[]> {
  const sites = new Map<string, PlanNode[]>();
  for (const [path, text] of host) {
    const m = /^([^/]+)\/([^/]+)\.yaml$/.exec(path);
    const node = m && planNode(m[2], text);
    if (!node) continue;
    sites.set(m[1], [...(sites.get(m[1]) ?? []), node]);
  }
  return sites;
}

/** [major, minor, patch] of '1.27.3'. */
const parts = (version: string) => version.split('.').map(Number);

/** One `kubeadm upgrade` step: the same or the next minor of the same major, not backwards. */
function oneStep(from: string, to: string): boolean {
  const [a, b] = [parts(from), parts(to)];
  const minors = minorNumber(to) - minorNumber(from);
  return a[0] === b[0] && (minors === 1 || (minors === 0 && b[2] >= a[2]));
}

const apt = (packages: string[], version: string) => {
  const names = packages.join(' ');
  return `apt-mark unhold ${names} && apt-get install -y ${packages.map((p) => `${p}=${version}`).join(' ')} && apt-mark hold ${names}`;
};

/** What every node does once kubeadm has upgraded it: drained, its kubelet and kubectl upgraded, back in service. */
const kubeletSteps = (node: string, packages: string) => [
  `kubectl drain ${node} --ignore-daemonsets`,
  apt(['kubelet', 'kubectl'], packages),
  'systemctl daemon-reload && systemctl restart kubelet',
  `kubectl uncordon ${node}`,
];

function kubeadmSteps(group: readonly PlanNode[], node: string, newSource: boolean): string[] {
  const { role, packages, patches, repository } = group[0];
  // a new minor comes from its own repository (pkgs.k8s.io serves one per minor)
  const source = newSource && repository !== undefined ? [`${repository} && apt-get update`] : [];
  const flag = patches ? ' --patches /etc/kubernetes/patches' : '';
  const kubeadm =
    role === 'first'
      ? ['kubeadm upgrade plan', `kubeadm upgrade apply v${release(packages)}${flag}`]
      : [`kubeadm upgrade node${flag}`];
  return [...source, apt(['kubeadm'], packages), ...kubeadm, ...kubeletSteps(node, packages)];
}

const TITLES: Record<Role, string> = {
  first: 'the first control plane',
  'control-plane': 'the other control planes',
  worker: 'the workers',
};

const names = (nodes: readonly PlanNode[]) => nodes.map((n) => n.name).join(', ');

/** One numbered step of the plan: a group of nodes of one role upgraded to one version, one node at a time. */
function groupLines(step: number, group: readonly PlanNode[], newSource: boolean): string[] {
  const one = group.length === 1;
  const postgres = group.filter((n) => n.postgres);
  const note =
    postgres.length > 0
      ? ` (Postgres on ${names(postgres)}: drain a replica's node before its primary's, 'kubectl get pods -A -l spilo-role -o wide')`
      : '';
  return [
    `  ${step}. ${TITLES[group[0].role]}${one ? '' : ', one at a time'}: ${names(group)}${note}`,
    ...kubeadmSteps(group, one ? group[0].name : '<node>', newSource).map((c) => `       ${c}`),
  ];
}

/** The plan of one site: nothing when no running node's Kubernetes version changes. */
function kubeadmPlan(site: string, before: readonly PlanNode[], after: readonly PlanNode[]): string[] {
  const was = new Map(before.map((n) => [n.name, n]));
  const from = before.find((n) => n.role === 'first');
  const to = after.find((n) => n.role === 'first');
  const moved = after.filter((n) => (was.get(n.name)?.packages ?? n.packages) !== n.packages);
  if (!from || !to || moved.length === 0) return [];
  const [cluster, next] = [release(from.packages), release(to.packages)];
  const head = `kubeadm upgrade plan, ${site}: ${cluster === next ? `Kubernetes ${next}, the nodes behind it` : `Kubernetes ${cluster} → ${next}`}`;
  if (!oneStep(cluster, next))
    return ['', `${head}: none, it is not one kubeadm step (one minor at a time, forward only; ${SOURCE})`];
  const groups = new Map<string, PlanNode[]>();
  const order: Role[] = ['first', 'control-plane', 'worker'];
  for (const n of [...moved].sort((a, b) => order.indexOf(a.role) - order.indexOf(b.role))) {
    const key = `${n.role} ${n.packages} ${was.get(n.name)?.repository !== n.repository}`;
    groups.set(key, [...(groups.get(key) ?? []), n]);
  }
  const stay = after.filter((n) => was.get(n.name)?.packages === n.packages && release(n.packages) !== next);
  const fresh = after.filter((n) => !was.has(n.name));
  return [
    '',
    `${head}, in this order (${SOURCE}). Skew: one minor at a time, and a kubelet never newer than the API server: the control planes first, then the workers, one node at a time.`,
    ...[...groups.values()].flatMap((g, i) => groupLines(i + 1, g, was.get(g[0].name)?.repository !== g[0].repository)),
    ...(stay.length > 0
      ? [
          `  stay at their pinned kubelet (kubeletVersion), older than the API server, which the skew policy allows: ${stay.map((n) => `${n.name} ${release(n.packages)}`).join(', ')}`,
        ]
      : []),
    ...(fresh.length > 0
      ? [`  join at ${next} from their cloud-init once the control planes run it: ${names(fresh)}`]
      : []),
  ];
}

/** The plan of every site present in both host-bootstrap trees, as text lines for `npm run diff`. */
export function kubeadmPlans(host: {
  readonly before: ReadonlyMap<string, string>;
  readonly after: ReadonlyMap<string, string>;
}): string[] {
  const before = nodesBySite(host.before);
  return [...nodesBySite(host.after)].flatMap(([site, nodes]) => kubeadmPlan(site, before.get(site) ?? [], nodes));
}

/** The plans as `npm run diff` prints them: as they are on a terminal, in a code block in Markdown (the PR comment). */
export function formatKubeadmPlans(plans: readonly string[], format: 'terminal' | 'markdown'): string[] {
  if (format === 'terminal' || plans.length === 0) return [...plans];
  return ['', '```text', ...plans.slice(1), '```'];
}
