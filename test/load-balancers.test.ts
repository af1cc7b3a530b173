import { describe, expect, test } from 'vitest';
import { checkPolicy } from '../lib/check/policy';
import { checkSchemas } from '../lib/check/schema-check';
import { diffTrees } from '../lib/diff/semantic';
import { validateSite } from '../lib/components/validate';
import { lab } from '../sites/lab';
import { poc } from '../sites/poc';
import { objectOf, renderedApps, withSite } from './support/render';
import { distTree, siteTree } from './support/trees';

/** poc with a pool on its nodes' network and a primary load balancer on its cluster. */
const balanced = (change: (s: any) => void = () => {}) =>
  withSite(poc, (s) => {
    s.loadBalancers = { network: '10.10.10.0/24', addresses: ['10.10.10.200-10.10.10.203'] };
    Object.assign(s.postgres.clusters[0], { enableMasterLoadBalancer: true, allowedSourceRanges: ['10.10.20.0/24'] });
    change(s);
  });
const issuesOf = (site: unknown) => validateSite(site).map((i) => `${i.path}: ${i.message}`);

describe('MetalLB from its pinned native manifest', () => {
  const apps = renderedApps(balanced());
  test("its own Application: CRDs with server-side apply, the conversion webhooks' placeholder caBundle left to the controller", () => {
    const crd = objectOf(apps, 'metallb', 'CustomResourceDefinition', 'bgppeers.metallb.io');
    expect(crd.metadata.annotations['argocd.argoproj.io/sync-options']).toContain('ServerSideApply=true');
    expect(crd.spec.conversion.webhook.clientConfig).toEqual({
      service: { name: 'webhook-service', namespace: 'metallb-system', path: '/convert' },
    });
    expect((apps.get('argocd') ?? []).some((o) => o.kind === 'Application' && o.metadata.name === 'metallb')).toBe(
      true,
    );
  });
  test('the speaker: hostNetwork and NET_RAW in a privileged namespace, root with its reason, limits', () => {
    expect(
      objectOf(apps, 'metallb', 'Namespace', 'metallb-system').metadata.labels['pod-security.kubernetes.io/enforce'],
    ).toBe('privileged');
    const speaker = objectOf(apps, 'metallb', 'DaemonSet', 'speaker');
    expect(speaker.spec.template.spec.hostNetwork).toBe(true);
    expect(speaker.spec.template.spec.containers[0].securityContext.capabilities).toEqual({
      add: ['NET_RAW'],
      drop: ['ALL'],
    });
    expect(speaker.spec.template.spec.containers[0].image).toBe('quay.io/metallb/speaker:v0.13.11');
    expect(speaker.spec.template.metadata.annotations['pg-platform.io/runs-as-root']).toMatch(/NET_RAW/);
    const policy = checkPolicy(siteTree(balanced())).filter((f) => f.where.includes('metallb'));
    expect(policy.map((f) => f.severity)).toEqual(['warning']); // the root speaker; the privileged namespace gives its reason
  });
  test('IPAddressPool and L2Advertisement from the site, valid against the pinned CRDs', () => {
    expect(objectOf(apps, 'load-balancers', 'IPAddressPool', 'default').spec).toEqual({
      addresses: ['10.10.10.200-10.10.10.203'],
    });
    expect(objectOf(apps, 'load-balancers', 'L2Advertisement', 'default').spec).toEqual({
      ipAddressPools: ['default'],
    });
    expect(checkSchemas(siteTree(balanced()))).toEqual([]);
  });
  test('a site without loadBalancers renders no MetalLB', () => {
    expect([...renderedApps(poc).keys()].filter((a) => /metallb|load-balancers/.test(a))).toEqual([]);
  });
});

describe('load balancers of a cluster and of the UIs', () => {
  test("the postgresql CR carries the operator's flags and explicit source ranges", () => {
    const pg = objectOf(renderedApps(lab), 'postgres-clusters', 'postgresql', 'acid-orders');
    expect([
      pg.spec.enableMasterLoadBalancer,
      pg.spec.enableReplicaLoadBalancer,
      pg.spec.enableMasterPoolerLoadBalancer,
      pg.spec.allowedSourceRanges,
    ]).toEqual([false, false, true, ['10.30.0.0/16']]);
  });
  test("lab exposes ArgoCD and Grafana as LoadBalancer Services for the admins' networks", () => {
    const apps = renderedApps(lab);
    const svc = objectOf(apps, 'load-balancers', 'Service', 'argocd-server-external');
    expect(svc.metadata.namespace).toBe('argocd');
    expect(svc.spec).toMatchObject({
      type: 'LoadBalancer',
      selector: { 'app.kubernetes.io/name': 'argocd-server' },
      loadBalancerSourceRanges: ['10.20.0.0/24', '10.99.0.0/24'],
    });
    expect(
      (apps.get('load-balancers') ?? [])
        .filter((o) => o.kind === 'Service')
        .map((o) => `${o.metadata.namespace}/${o.metadata.name}`)
        .sort(),
    ).toEqual(['argocd/argocd-server-external', 'monitoring/grafana-external']);
  });
});

describe('validation', () => {
  test('the example is valid', () => expect(issuesOf(balanced())).toEqual([]));
  test('fails on a source range admitting every address (0.0.0.0/0) unless acknowledged', () => {
    const open = (s: any) => (s.postgres.clusters[0].allowedSourceRanges = ['10.10.20.0/24', '0.0.0.0/0']);
    expect(issuesOf(balanced(open))).toEqual([
      "postgres.clusters[0].allowedSourceRanges[1]: '0.0.0.0/0' admits every address, the internet included: list the client networks (e.g. '10.20.0.0/24'), or acknowledge it in review: acknowledge: [{ change: 'any source address for postgres cluster acid-test-cluster', reason: '<why>' }]",
    ]);
    const ack = [{ change: 'any source address for postgres cluster acid-test-cluster', reason: 'public demo' }];
    expect(issuesOf(balanced((s) => (open(s), (s.acknowledge = ack))))).toEqual([]);
    expect(issuesOf(balanced((s) => (s.acknowledge = ack)))).toEqual([
      "acknowledge[0].change: 'any source address for postgres cluster acid-test-cluster' no longer applies (postgres.clusters[0].allowedSourceRanges admits no /0 range): remove this entry",
    ]);
  });
  test('a load balancer without MetalLB, and without source ranges', () => {
    expect(
      issuesOf(
        withSite(poc, (s) => {
          s.postgres.clusters[0].enableReplicaLoadBalancer = true;
        }),
      ),
    ).toEqual([
      'postgres.clusters[0].enableReplicaLoadBalancer: a LoadBalancer Service needs a load balancer implementation, and a self-managed cluster has none (EXTERNAL-IP stays <pending>): add loadBalancers (MetalLB and its address pool)',
      "postgres.clusters[0].allowedSourceRanges: enableReplicaLoadBalancer need the client networks that may connect: the operator turns an empty list into 127.0.0.1/32 (reachable by nobody); list CIDRs, e.g. ['10.20.0.0/24']",
    ]);
  });
  test('a pooler load balancer without the pooler', () => {
    expect(
      issuesOf(
        balanced((s) => {
          s.postgres.clusters[0].enableMasterPoolerLoadBalancer = true;
        }),
      ),
    ).toEqual([
      'postgres.clusters[0].enableMasterPoolerLoadBalancer: there is no primary pooler to put behind it: set enableConnectionPooler: true or drop it',
    ]);
  });
  test('pool outside the network, over a node address, on the network address', () => {
    expect(
      issuesOf(
        balanced((s) => {
          s.loadBalancers.addresses = ['10.10.11.1-10.10.11.9', '10.10.10.30/31', '10.10.10.0-10.10.10.3'];
        }),
      ),
    ).toEqual([
      "loadBalancers.addresses[0]: 10.10.11.1-10.10.11.9 is not inside loadBalancers.network 10.10.10.0/24: L2 mode can only announce addresses of the nodes' network",
      'loadBalancers.addresses[1]: 10.10.10.30/31 contains 10.10.10.30, the address of node debian-cp: MetalLB would hand it to a Service; keep the pool clear of it',
      'loadBalancers.addresses[1]: 10.10.10.30/31 contains 10.10.10.31, the address of node dnumworker1: MetalLB would hand it to a Service; keep the pool clear of it',
      'loadBalancers.addresses[1]: 10.10.10.30/31 contains 10.10.10.30, kubernetes.controlPlaneEndpoint: MetalLB would hand it to a Service; keep the pool clear of it',
      'loadBalancers.addresses[2]: 10.10.10.0-10.10.10.3 includes the network or broadcast address of 10.10.10.0/24 (10.10.10.0, 10.10.10.255): leave them out',
    ]);
  });
  test('nodes outside the network; a pool too small for what asks for one', () => {
    expect(
      issuesOf(
        balanced((s) => {
          s.loadBalancers.network = '10.10.10.0/28';
          s.loadBalancers.addresses = ['10.10.10.20'];
        }),
      ),
    ).toEqual([
      "loadBalancers.network: nodes debian-cp (10.10.10.30), dnumworker1 (10.10.10.31), dnumworker2 (10.10.10.32), dnumcephworker1 (10.10.10.41), dnumcephworker2 (10.10.10.42), dnumcephworker3 (10.10.10.43), dnumminioworker1 (10.10.10.51), dnumminioworker2 (10.10.10.52), dnumminioworker3 (10.10.10.53), dnumminioworker4 (10.10.10.54) are outside 10.10.10.0/28: L2 mode answers ARP on the nodes' own network; give the network the nodes are on",
      "loadBalancers.addresses[0]: '10.10.10.20' is neither a CIDR ('10.20.0.240/28') nor a range ('10.20.0.200-10.20.0.220') of IPv4 addresses, first <= last",
    ]);
    expect(
      issuesOf(
        balanced((s) => {
          s.loadBalancers.addresses = ['10.10.10.200/32'];
          s.loadBalancers.expose = { argocd: true, grafana: true };
          s.gitops.sso = lab.gitops.sso;
        }),
      ),
    ).toEqual([
      "loadBalancers.addresses: the pool has 1 address(es), and 3 LoadBalancer Services ask for one (clusters' enable*LoadBalancer flags and loadBalancers.expose): widen the pool",
    ]);
  });
  test('exposing a UI the site does not run', () => {
    expect(
      issuesOf(
        balanced((s) => {
          s.postgres.operator.ui = false;
          s.loadBalancers.expose = { operatorUi: true };
        }),
      ),
    ).toEqual(['loadBalancers.expose.operatorUi: postgres.operator.ui is off: turn it on or drop the option']);
  });
  test('fails on ArgoCD exposed without single sign-on: its local admin would face the network', () => {
    expect(issuesOf(balanced((s) => (s.loadBalancers.expose = { argocd: true })))).toEqual([
      "loadBalancers.expose.argocd: ArgoCD on a load balancer would keep its local admin account (one generated password, no second factor): configure single sign-on in gitops.sso (OIDC; admin is then disabled), or drop the option and reach ArgoCD through 'kubectl port-forward'",
    ]);
  });
});

describe('semantic diff', () => {
  test('"Service postgres/acid-test-cluster gets an external address"', () => {
    const d = diffTrees(distTree(poc), distTree(balanced()));
    const pg = d.objects.find((o) => o.kind === 'postgresql')!;
    expect(pg.impacts.map((i) => `${i.level}: ${i.message}`)).toEqual([
      'info: Service postgres/acid-test-cluster gets an external address from the load balancer pool, reachable from 10.10.20.0/24',
    ]);
    const back = diffTrees(distTree(balanced()), distTree(poc)).objects.find((o) => o.kind === 'postgresql')!;
    expect(back.impacts.map((i) => i.level)).toEqual(['disruptive']);
  });
  const impacts = (d: ReturnType<typeof diffTrees>, kind: string) =>
    d.objects.filter((o) => o.kind === kind).flatMap((o) => o.impacts.map((i) => `${i.level}: ${i.message}`));
  test('the address pool: added, grown, or moved (Services outside it get another address)', () => {
    expect(impacts(diffTrees(distTree(poc), distTree(balanced())), 'IPAddressPool')).toEqual([
      "info: MetalLB address pool default: LoadBalancer Services get addresses of 10.10.10.200-10.10.10.203, announced on the nodes' network (ARP, L2)",
    ]);
    expect(
      impacts(
        diffTrees(
          distTree(balanced()),
          distTree(
            balanced((s) => {
              s.loadBalancers.addresses.push('10.10.10.210-10.10.10.213');
            }),
          ),
        ),
        'IPAddressPool',
      ),
    ).toEqual([
      'info: MetalLB address pool default grows: 10.10.10.200-10.10.10.203 → 10.10.10.200-10.10.10.203, 10.10.10.210-10.10.10.213',
    ]);
    expect(
      impacts(
        diffTrees(
          distTree(balanced()),
          distTree(
            balanced((s) => {
              s.loadBalancers.addresses = ['10.10.10.210-10.10.10.213'];
            }),
          ),
        ),
        'IPAddressPool',
      ),
    ).toEqual([
      'disruptive: MetalLB address pool default: 10.10.10.200-10.10.10.203 → 10.10.10.210-10.10.10.213: a Service whose address is no longer in the pool gets another one, clients of the old address are cut off (check kubectl get svc -A | grep LoadBalancer)',
    ]);
  });
  test('who may connect: a client network dropped from allowedSourceRanges is refused', () => {
    const d = diffTrees(
      distTree(balanced()),
      distTree(
        balanced((s) => {
          s.postgres.clusters[0].allowedSourceRanges = ['10.10.30.0/24'];
        }),
      ),
    );
    expect(impacts(d, 'postgresql')).toEqual([
      'disruptive: Service postgres/acid-test-cluster: reachable from 10.10.30.0/24 (was 10.10.20.0/24): clients from 10.10.20.0/24 are refused',
    ]);
    const wider = diffTrees(
      distTree(balanced()),
      distTree(
        balanced((s) => {
          s.postgres.clusters[0].allowedSourceRanges.push('10.10.30.0/24');
        }),
      ),
    );
    expect(impacts(wider, 'postgresql')).toEqual([
      'info: Service postgres/acid-test-cluster: reachable from 10.10.20.0/24, 10.10.30.0/24 (was 10.10.20.0/24)',
    ]);
  });
  test('an exposed UI: its Service gets an address, and loses it when the option is dropped', () => {
    const exposed = balanced((s) => {
      s.loadBalancers.expose = { argocd: true };
    });
    expect(impacts(diffTrees(distTree(balanced()), distTree(exposed)), 'Service')).toEqual([
      'info: Service argocd/argocd-server-external gets an external address from the load balancer pool, reachable from 10.10.10.0/24',
    ]);
    expect(impacts(diffTrees(distTree(exposed), distTree(balanced())), 'Service')).toEqual([
      'disruptive: Service argocd/argocd-server-external loses its external address: clients outside the cluster can no longer connect through it',
    ]);
  });
});
