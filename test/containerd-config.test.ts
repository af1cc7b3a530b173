import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'smol-toml';
import { afterAll, describe, expect, test } from 'vitest';
import { bootstrapPath } from '../lib/bootstrap/step';
import { isRecord } from '../lib/core/records';
import type { Site } from '../lib/site/model';
import { SITES } from '../lib/site-files';
import { binaryPath, refereeComponents } from '../lib/verify/components';
import { lab } from '../sites/lab';
import { builtBinaries } from './support/tools';
import { userData, writtenFile } from './support/bootstrap';

/**
 * The real containerd is the referee of the config.toml each node's cloud-init installs, for the
 * trains on containerd 2.x (current: v2.3.2, built by `npm run verify -- --build` into
 * .build/tools/containerd-v<version>/): `containerd --config <file> config dump` loads it as the
 * daemon does at start (migrating it to its latest config version, 4 on v2.3) and prints the
 * configuration it would run with. Every setting we write must come back with our value: a key
 * containerd does not know, or one a migration drops, would be silently ignored by the daemon.
 * runbook-2023's containerd 1.6 is not built (lib/verify/components.ts containerdComponent).
 */
const STAGED = bootstrapPath('containerd-config.toml');
const checked = SITES.flatMap((site) =>
  refereeComponents(site)
    .filter((c) => c.binaries.includes('containerd'))
    .map((c) => ({ site, containerd: binaryPath(c, 'containerd') })),
);
const { live, missing } = builtBinaries(
  'containerd config check',
  checked.map((c) => c.containerd),
);

const dir = mkdtempSync(join(tmpdir(), 'containerd-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Every leaf of a TOML document as `dotted.path = value` (arrays as JSON). */
function leaves(value: unknown, path: readonly string[] = []): string[] {
  if (isRecord(value)) return Object.entries(value).flatMap(([k, v]) => leaves(v, [...path, k]));
  return [`${path.join('.')} = ${JSON.stringify(value)}`];
}

/** What containerd makes of a config: its exit code, its warnings, and the leaves of the configuration it dumps. */
function dump(
  containerd: string,
  config: string,
  name: string,
): { status: number | null; warnings: string[]; leaves: Set<string> } {
  if (!existsSync(containerd)) throw new Error(`${containerd} is not built: run npm run verify -- --build`);
  const file = join(dir, `${name}.toml`);
  writeFileSync(file, config);
  const out = spawnSync(containerd, ['--config', file, 'config', 'dump'], { encoding: 'utf8', timeout: 30_000 });
  return {
    status: out.status,
    warnings: out.stderr.split('\n').filter(Boolean),
    leaves: new Set(out.status === 0 ? leaves(parse(out.stdout)) : []),
  };
}

const nodes = checked.flatMap(({ site, containerd }) =>
  site.nodes.map((n) => [`${site.name}/${n.name}`, site, n.name, containerd] as const),
);

/**
 * Our settings where containerd 2.3 keeps them: version 4 moved the top-level `[grpc]` table to the server
 * plugin `io.containerd.server.v1.grpc` ("Deprecated: use server plugins io.containerd.server.v1.grpc",
 * containerd@v2.3.2:cmd/containerd/server/config/config.go:98-99, moved by serviceMigrate, :219-245); the
 * config version itself is migrated (3 → 4).
 */
const settings = (config: string) =>
  leaves(parse(config))
    .filter((l) => !l.startsWith('version = '))
    .map((l) => l.replace(/^grpc\./, 'plugins.io.containerd.server.v1.grpc.'));

describe.runIf(live)("the site's own containerd 2.x runs with every setting of the node's config.toml", () => {
  test.each(nodes)('%s', (_id, site: Site, node, containerd) => {
    const config = writtenFile(userData(site, node), STAGED);
    const result = dump(containerd, config, `${site.name}-${node}`);
    expect(result.status).toBe(0);
    // the one warning: version 3 is migrated at each start (kept: it loads on every containerd 2.x)
    expect(result.warnings.filter((w) => !/Configuration migrated from version 3/.test(w))).toEqual([]);
    expect(settings(config).filter((l) => !result.leaves.has(l))).toEqual([]);
  });
  test('the runc cgroup driver the kubelet takes from the CRI and the pinned pause image are what lab runs with', () => {
    const result = dump(
      checked.find((c) => c.site.name === lab.name)!.containerd,
      writtenFile(userData(lab, 'lab-pg1'), STAGED),
      'lab-runc',
    );
    expect(
      [...result.leaves].filter((l) => /runtimes\.runc\.options\.SystemdCgroup|pinned_images\.sandbox/.test(l)),
    ).toEqual([
      'plugins.io.containerd.cri.v1.images.pinned_images.sandbox = "registry.lab.example.org:5000/mirror/registry.k8s.io/pause:3.10.2"',
      'plugins.io.containerd.cri.v1.runtime.containerd.runtimes.runc.options.SystemdCgroup = true',
    ]);
  });
  test('fails on a key containerd does not know: it warns and runs without it (a runc option is not checked here: the shim reads those)', () => {
    const config = writtenFile(userData(lab, 'lab-pg1'), STAGED).replace(/^conf_dir = /m, 'confdir = ');
    const result = dump(checked.find((c) => c.site.name === lab.name)!.containerd, config, 'lab-misspelt');
    expect(result.warnings.filter((w) => !/Configuration migrated from version 3/.test(w))).toEqual([
      expect.stringMatching(/Ignoring unknown key in TOML for plugin.*key="cni confdir"/),
    ]);
    expect(settings(config).filter((l) => !result.leaves.has(l))).toEqual([
      'plugins.io.containerd.cri.v1.runtime.cni.confdir = "/etc/cni/net.d"',
    ]);
  });
});
if (!live) {
  describe("the site's own containerd 2.x runs with every setting of the node's config.toml", () => {
    test.skip(`SKIPPED (not built: ${missing.join(', ')}; run npm run verify -- --build)`, () => undefined);
  });
}
