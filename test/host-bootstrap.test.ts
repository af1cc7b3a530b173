import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { SUCCESS_MARKER, renderHostBootstrap } from '../lib/bootstrap/host-bootstrap';
import { BOOTSTRAP_DIR } from '../lib/bootstrap/step';
import { CloudConfigValidator } from '../lib/check/cloud-config';
import { ROLE_LABELS, nodesWithRole, nodeTaints } from '../lib/site/roles';
import type { NodeRole, Site } from '../lib/site/model';
import { SITES } from '../lib/site-files';
import { catalogOf } from '../lib/site/catalog';
import { CURRENT } from '../lib/site/trains/current';
import { RUNBOOK_2023 } from '../lib/site/trains/runbook-2023';
import { poc } from '../sites/poc';
import { kubeadmDocs, kubeletArgs, userData, userDataText, type UserData } from './support/bootstrap';
import { renderedApps, type K8sObject } from './support/render';
import { tool } from './support/tools';

const nodes = SITES.flatMap((site) => site.nodes.map((n) => [`${site.name}/${n.name}`, site, n.name] as const));
const validator = new CloudConfigValidator();
/**
 * One validator per cloud-init schema version: each site's user-data against its own train's
 * (catalogOf(site).versions.cloudInitSchema).
 */
const validators = new Map<string, CloudConfigValidator>();
function validatorOf(site: Site): CloudConfigValidator {
  const { versions } = catalogOf(site);
  if (!validators.has(versions.cloudInitSchema))
    validators.set(versions.cloudInitSchema, new CloudConfigValidator(versions));
  return validators.get(versions.cloudInitSchema)!;
}
const scripts = (ud: UserData) => ud.write_files.filter((f) => f.content.startsWith('#!'));

describe('renderHostBootstrap', () => {
  test.each(SITES.map((s) => [s.name, s] as const))(
    'site %s: one <node>.yaml per node, each starting with #cloud-config',
    (_n, site) => {
      const files = renderHostBootstrap(site);
      expect([...files.keys()]).toEqual(site.nodes.map((n) => `${n.name}.yaml`));
      for (const text of files.values()) expect(text.startsWith('#cloud-config\n')).toBe(true);
    },
  );

  test('is deterministic', () => {
    for (const site of SITES) expect([...renderHostBootstrap(site)]).toEqual([...renderHostBootstrap(site)]);
  });
});

describe.each(nodes)('user-data of %s', (_id, site, node) => {
  const ud = userData(site, node);

  test(`is valid against the pinned cloud-config schema of its train's cloud-init (${catalogOf(site).versions.cloudInitSchema}), with no key cloud-init ignores or deprecates`, () => {
    expect(validatorOf(site).validate(ud)).toEqual([]);
  });

  test("uses only what Debian 11's cloud-init 20.4.1 has: these modules, no write_files.defer, no apt $KEY_FILE, no jinja", () => {
    expect(Object.keys(ud)).toEqual(['hostname', 'preserve_hostname', 'manage_etc_hosts', 'write_files', 'runcmd']);
    for (const f of ud.write_files) expect(Object.keys(f)).toEqual(['path', 'owner', 'permissions', 'content']);
    const text = userDataText(site, node);
    expect(text).not.toMatch(/KEY_FILE|^## template/m);
  });

  test('sets the hostname to the node name', () => {
    expect(ud.hostname).toBe(node);
    expect(ud.preserve_hostname).toBe(false);
    expect(ud.manage_etc_hosts).toBe(true);
  });

  test('runcmd stops at the first failing step, runs every step script in order, then marks success', () => {
    const steps = scripts(ud).map((f) => f.path);
    expect(steps.length).toBeGreaterThanOrEqual(4);
    expect(steps.every((p) => p.startsWith(`${BOOTSTRAP_DIR}/`))).toBe(true);
    expect([...steps].sort()).toEqual(steps);
    expect(ud.runcmd).toEqual(['set -e', ...steps, 'mkdir -p /var/lib/host-bootstrap', `touch ${SUCCESS_MARKER}`]);
    for (const f of scripts(ud)) expect(f.permissions).toBe('0755');
  });

  test('every file is root-owned and written as a readable block, not an escaped string', () => {
    for (const f of ud.write_files) expect(f.owner).toBe('root:root');
    expect(userDataText(site, node)).not.toMatch(/^\s+content: ["']/m);
  });

  test('holds no secret: only the <KUBEADM_…> placeholders', () => {
    const text = userDataText(site, node);
    expect(text).toMatch(/<KUBEADM_TOKEN>/);
    expect(text).not.toMatch(/\b[a-z0-9]{6}\.[a-z0-9]{16}\b/); // a bootstrap token
    expect(text).not.toMatch(/sha256:[a-f0-9]{64}|\b[a-f0-9]{64}\b/); // a CA hash or certificate key
    expect(text).not.toMatch(/PRIVATE KEY/);
  });
});

describe('checkers the pinned schema leaves out', () => {
  test('fails on a top-level key no cloud-init module reads', () => {
    expect(validator.validate({ write_file: [] })).toEqual(['/write_file: no cloud-init module reads this key']);
  });
  test('fails on an unknown write_files field', () => {
    expect(validator.validate({ write_files: [{ path: '/x', contents: 'y' }] })).toEqual([
      "/write_files/0: must NOT have additional properties 'contents'",
    ]);
  });
  test('fails on a wrong type', () => {
    expect(validator.validate({ manage_etc_hosts: 'yes' })).toContain(
      '/manage_etc_hosts: must match exactly one schema in oneOf',
    );
  });
  test('fails on a key its cloud-init deprecates, quoting since when and what instead: ubuntu_advantage is fine on 22.4.2, deprecated on 26.2', () => {
    const doc = { ubuntu_advantage: { token: 'x' } };
    expect(new CloudConfigValidator(RUNBOOK_2023.versions).validate(doc)).toEqual([]);
    expect(new CloudConfigValidator(CURRENT.versions).validate(doc)).toEqual([
      '/ubuntu_advantage: deprecated since cloud-init 24.1: Use **ubuntu_pro** instead.',
    ]);
  });
  test('the example sites are on both schemas', () => {
    expect([...new Set(SITES.map((s) => catalogOf(s).versions.cloudInitSchema))].sort()).toEqual(['22.4.2', '26.2']);
  });
});

const shellcheck = tool('shellcheck', 'shellcheck');
const cloudInit = tool('cloud-init', 'cloud-init');

describe.each(nodes)('external checkers on %s', (_id, site, node) => {
  const ud = userData(site, node);

  test.skipIf(!shellcheck.run)('every step script passes shellcheck', () => {
    shellcheck.require();
    for (const f of scripts(ud)) {
      const run = spawnSync('shellcheck', ['-'], { input: f.content, encoding: 'utf8' });
      expect(`${f.path}: ${run.stdout}${run.stderr}`).toBe(`${f.path}: `);
      expect(run.status).toBe(0);
    }
  });

  test.skipIf(!shellcheck.run)('runcmd, as the sh script cloud-init makes of it, passes shellcheck', () => {
    shellcheck.require();
    const run = spawnSync('shellcheck', ['-s', 'sh', '-'], {
      input: `#!/bin/sh\n${ud.runcmd.join('\n')}\n`,
      encoding: 'utf8',
    });
    expect(run.stdout).toBe('');
    expect(run.status).toBe(0);
  });

  test.skipIf(!cloudInit.run)("passes 'cloud-init schema -c'", () => {
    cloudInit.require();
    const dir = mkdtempSync(join(tmpdir(), 'user-data-'));
    try {
      writeFileSync(join(dir, 'user-data.yaml'), userDataText(site, node));
      const run = spawnSync('cloud-init', ['schema', '-c', join(dir, 'user-data.yaml')], { encoding: 'utf8' });
      // cloud-init 22.4 (Debian 12) prints 'Valid cloud-config: <file>', 23.4 and later (Ubuntu 24.04's 24.4) 'Valid schema <file>'
      expect(`${run.stdout}${run.stderr}`).toMatch(/^Valid (cloud-config:|schema) \S*user-data\.yaml$/m);
      expect(run.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('shellcheck and cloud-init catch what they should (the checks can fail)', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  test.skipIf(!shellcheck.run)('fails on an unquoted variable', () => {
    shellcheck.require();
    expect(spawnSync('shellcheck', ['-'], { input: '#!/bin/bash\nrm -f $1\n' }).status).not.toBe(0);
  });
  test.skipIf(!cloudInit.run)('fails on a wrong type', () => {
    cloudInit.require();
    const dir = mkdtempSync(join(tmpdir(), 'user-data-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'bad.yaml'), '#cloud-config\nruncmd: 3\n');
    expect(spawnSync('cloud-init', ['schema', '-c', join(dir, 'bad.yaml')]).status).not.toBe(0);
  });
});

/** Node label selectors (`key In [values]`) and the tolerations beside them, in every rendered object. */
function placements(
  obj: unknown,
): { key: string; values: string[]; tolerations: { key?: string; operator?: string; effect?: string }[] }[] {
  const out: ReturnType<typeof placements> = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (!v || typeof v !== 'object') return;
    const o = v as Record<string, any>;
    const affinity = o.nodeAffinity ?? o.affinity?.nodeAffinity;
    const terms = affinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
    for (const term of terms) {
      for (const e of term.matchExpressions ?? [])
        if (e.operator === 'In') out.push({ key: e.key, values: e.values, tolerations: o.tolerations ?? [] });
    }
    Object.values(o).forEach(walk);
  };
  walk(obj);
  return out;
}

/** A node's labels and taints as its kubelet registers them (parsed from its kubeadm config). */
function registered(site: Site, node: string) {
  const ud = userData(site, node);
  const reg = nodeRegistrationOf(ud);
  const labels = Object.fromEntries((kubeletArgs(reg)['node-labels']?.split(',') ?? []).map((l) => l.split('=')));
  return { labels: labels as Record<string, string>, taints: reg.taints as { key: string; effect: string }[] };
}
const nodeRegistrationOf = (ud: UserData) =>
  kubeadmDocs(ud).find((d) => d.kind === 'InitConfiguration' || d.kind === 'JoinConfiguration').nodeRegistration;

describe.each(SITES.map((s) => [s.name, s] as const))(
  'site %s: cloud-init labels and taints match what the charts select and tolerate',
  (_n, site) => {
    const objects: K8sObject[] = [...renderedApps(site).values()].flat();
    // role labels only: a MinIO pool also names its nodes (kubernetes.io/hostname), which the kubelet sets itself
    const selectors = objects.flatMap((o) =>
      placements(o)
        .filter((p) => p.key !== 'kubernetes.io/hostname')
        .map((p) => ({ ...p, object: `${o.kind}/${o.metadata.name}` })),
    );

    test('the charts select nodes by label somewhere', () => {
      expect(selectors.length).toBeGreaterThan(0);
    });

    test('each selector picks exactly the nodes of the role whose label it names', () => {
      for (const s of selectors) {
        const role = (Object.keys(ROLE_LABELS) as (keyof typeof ROLE_LABELS)[]).find(
          (r) => ROLE_LABELS[r].key === s.key && s.values.includes(ROLE_LABELS[r].value),
        );
        expect(role, `${s.object} selects ${s.key} In [${s.values}], which no role sets`).toBeDefined();
        const picked = site.nodes
          .filter((n) => s.values.includes(registered(site, n.name).labels[s.key]))
          .map((n) => n.name);
        expect(picked).toEqual(nodesWithRole(site, role as NodeRole).map((n) => n.name));
        expect(picked.length).toBeGreaterThan(0);
      }
    });

    test('whatever selects tainted nodes tolerates their taints', () => {
      for (const s of selectors) {
        for (const n of site.nodes.filter((node) => s.values.includes(registered(site, node.name).labels[s.key]))) {
          for (const taint of registered(site, n.name).taints) {
            const tolerated = s.tolerations.some(
              (t) =>
                t.operator === 'Exists' &&
                (t.key === undefined || t.key === taint.key) &&
                (t.effect === undefined || t.effect === taint.effect),
            );
            expect(
              tolerated,
              `${s.object} selects ${n.name}, tainted ${taint.key}:${taint.effect}, without tolerating it`,
            ).toBe(true);
          }
        }
      }
    });

    test('each node registers the taints of its roles', () => {
      for (const n of site.nodes.filter((node) => !node.roles.includes('control-plane'))) {
        expect(registered(site, n.name).taints).toEqual(nodeTaints(n));
      }
    });
  },
);

test('poc: the Postgres cluster lands on dnumworker1 and dnumworker2, labelled postgres-operator=enabled at join', () => {
  const pg = (objects: K8sObject[]) => objects.find((o) => o.kind === 'postgresql')!;
  const [selector] = placements(pg(renderedApps(poc).get('postgres-clusters')!));
  expect(selector).toMatchObject({ key: 'postgres-operator', values: ['enabled'] });
  expect(
    poc.nodes.filter((n) => registered(poc, n.name).labels['postgres-operator'] === 'enabled').map((n) => n.name),
  ).toEqual(['dnumworker1', 'dnumworker2']);
});
