import type { SiteTree } from '../../lib/check/findings';
import { parseTree } from '../../lib/core/objects';
import { OPERATIONS } from '../../lib/operations/catalog';
import { operationSites, type RenderedSite } from '../../lib/operations/run';
import { PROJECT_ROOT } from '../../lib/upstream';
import { formatDay2, syncTo, type Day2Result } from '../../lib/verify/day2';
import type { LiveSite } from '../../lib/verify/day2';

/**
 * Day-2 operations of docs/operations.md on a live verify cluster of the POC: each operation's
 * starting point, then its change, synced as ArgoCD would, and its effect checked on what the real
 * operator and controllers produce. Operations without a live effect here are listed with why.
 */
export const LIVE = [
  'tune-alert',
  'minor-upgrade',
  'point-in-time-recovery',
  'add-postgres-node',
  'scale',
  'add-storage-node',
  'add-s3-pool',
] as const;
export const NOT_LIVE: Readonly<Record<string, string>> = {
  'major-upgrade':
    'the operator upgrades in place through Patroni and pg_upgrade in the Spilo pod: no container runs here',
  'connection-pooler':
    'the operator makes a pooler only after installing its lookup function in a database: verify stands one in for the clusters pooled when it starts, so npm run verify on the changed site asserts the poolers (as on lab and converged), not a live change',
  'load-balancer': 'its starting point adds the MetalLB app, whose controller cannot run here to assign the address',
  'kubernetes-upgrade': 'a new control-plane version is a new verify run (npm run verify on the changed site)',
  'kubernetes-patch':
    "it changes host-bootstrap/ only (the nodes' packages, upgraded with kubeadm on the machines): no manifest to sync",
  'kubelet-skew': 'refused by synth: nothing to sync',
  'train-guard': 'refused by synth: nothing to sync',
  'replace-control-plane':
    'it changes host-bootstrap/ only (cloud-init and kubeadm on the machines): no manifest to sync',
  'even-control-planes': 'refused by synth: nothing to sync',
  'promote-standby':
    "a standby replays another site's WAL archive: the POC's verify cluster has no primary site beside it; npm run verify runs the example pair (site dr beside converged) live and promotes it as this operation says (lib/verify/live/standby.ts, docs/verify.md)",
};

interface Day2Step {
  readonly before: Day2Result;
  readonly after: Day2Result;
  readonly text: string;
}

/** What the sequence did: each operation's two syncs, or the error that stopped it. */
export interface Day2Run {
  readonly steps: Map<string, Day2Step>;
  error?: string;
}

const treeOf = (r: RenderedSite): SiteTree => ({ site: r.site, objects: parseTree(r.site.name, r.dist) });

/**
 * The `live` hook of a POC verify run that runs the sequence on its control plane. The operations
 * are rendered as soon as this is called, while the control plane starts; an error is kept in the
 * run (for the day-2 test to report), so that the POC's own verify report stays about the POC.
 */
export function day2Sequence(): { run: Day2Run; live: (cluster: LiveSite) => Promise<void> } {
  const run: Day2Run = { steps: new Map() };
  const rendered = Promise.all(
    LIVE.map((id) =>
      operationSites(
        OPERATIONS.find((o) => o.id === id)!,
        PROJECT_ROOT,
      ),
    ),
  );
  rendered.catch(() => undefined);
  const live = async (cluster: LiveSite) => {
    try {
      const sites = await rendered;
      let current = cluster.tree;
      for (const [i, id] of LIVE.entries()) {
        const { before, after } = sites[i];
        if ('error' in after) throw new Error(`${id}: ${after.error}`);
        const start = treeOf(before);
        const end = treeOf(after);
        const b = await syncTo(cluster, current, start);
        const a = await syncTo(cluster, start, end);
        run.steps.set(id, {
          before: b,
          after: a,
          text: `${formatDay2(`${id}: starting point`, b)}\n${formatDay2(id, a)}`,
        });
        current = end;
      }
    } catch (e) {
      run.error = e instanceof Error ? (e.stack ?? e.message) : String(e);
    }
  };
  return { run, live };
}
