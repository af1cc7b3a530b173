import { z } from 'zod';
import { asArray, asRecord } from '../core/records';
import type { KubeObject } from '../core/objects';
import { isProtected } from '../core/data-bearing';
import type { SiteIssue } from './issues';

/**
 * Acknowledgements: a change that deletes or endangers data or quorum (a deleted cluster or volume, fewer Ceph
 * monitors, a storage node with OSDs removed, a lower pool size, a new backup path) fails `npm run check --base` until
 * the site names it in `acknowledge`, with the same words the check prints, and says why: the entry is reviewed in the
 * same pull request as the change. Synth refuses an entry that no longer applies (the cluster is rendered again, the
 * monitors are not that number), so none outlives its change unnoticed.
 */
export const AcknowledgeSchema = z
  .array(
    z.strictObject({
      change: z
        .string()
        .describe(
          "The change as npm run check names it, e.g. 'delete postgresql postgres/acid-old', 'remove storage node par-st3', 'lower Ceph monitors to 1'",
        ),
      reason: z.string().min(1).describe('Why the change is intended (read in review)'),
    }),
  )
  .describe(
    'Changes that delete or endanger data or quorum, accepted for this site in the pull request that makes them. Default: none',
  );
export type Acknowledgement = z.infer<typeof AcknowledgeSchema>[number];

/** `<Kind> <namespace>/<name>`, or `<Kind> <name>` for a cluster-scoped object: how an acknowledgement names it. */
export const objectRef = (o: KubeObject): string =>
  `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`;

/**
 * The acknowledgement of knowingly promising more than the disks hold: a standing one, kept while the volumes exceed
 * the disks (lib/site/storage-capacity.ts refuses it otherwise).
 */
export const THIN_PROVISIONING = /^thin provisioning on (\S+)$/;

/**
 * The acknowledgement of a source range that admits every address (`0.0.0.0/0`) on a load balancer: a standing one,
 * kept while the range is listed (lib/site/load-balancers.ts refuses it otherwise).
 */
export const ANY_SOURCE = /^any source address for (.+)$/;

const field = (obj: unknown, path: string): unknown => path.split('.').reduce<unknown>((v, k) => asRecord(v)[k], obj);

/** Each kind of change, and whether the rendered objects still carry it (undefined: they do, else why not). */
const FORMS: readonly {
  readonly pattern: RegExp;
  readonly applies: (m: RegExpExecArray, objects: readonly KubeObject[]) => string | undefined;
}[] = [
  {
    pattern: /^delete (.+)$/,
    applies: ([, ref], objects) => (objects.some((o) => objectRef(o) === ref) ? `${ref} is rendered` : undefined),
  },
  {
    pattern: /^unprotect (.+)$/,
    applies: ([, ref], objects) => {
      const o = objects.find((x) => objectRef(x) === ref);
      return !o
        ? `${ref} is not rendered`
        : isProtected(o)
          ? `${ref} is protected (Prune=false,Delete=false)`
          : undefined;
    },
  },
  {
    pattern: /^remove storage node (\S+)$/,
    applies: ([, node], objects) =>
      objects.some(
        (o) =>
          o.kind === 'CephCluster' && asArray(field(o, 'spec.storage.nodes')).some((n) => asRecord(n).name === node),
      )
        ? `the CephCluster still lists ${node}`
        : undefined,
  },
  {
    pattern: /^lower Ceph monitors to (\d+)$/,
    applies: ([, n], objects) => {
      const counts = objects.filter((o) => o.kind === 'CephCluster').map((o) => Number(field(o, 'spec.mon.count')));
      return counts.includes(Number(n)) ? undefined : `the CephCluster runs ${counts.join(', ') || 'no'} monitors`;
    },
  },
  {
    pattern: /^lower pool (\S+) size to (\d+)$/,
    applies: ([, pool, n], objects) => {
      const o = objects.find((x) => x.kind === 'CephBlockPool' && x.metadata.name === pool);
      const size = Number(field(o, 'spec.replicated.size'));
      return size === Number(n) ? undefined : `pool ${pool} ${o ? `keeps ${size} copies` : 'is not rendered'}`;
    },
  },
  {
    pattern: /^change backup path to (\S+)$/,
    applies: ([, bucket], objects) =>
      objects.some(
        (o) =>
          field(o, 'data.wal_s3_bucket') === bucket ||
          asArray(field(o, 'spec.env')).some(
            (e) => asRecord(e).name === 'WAL_S3_BUCKET' && asRecord(e).value === bucket,
          ),
      )
        ? undefined
        : `no cluster backs up to ${bucket}`,
  },
  {
    pattern: /^remove MinIO pool (\S+)$/,
    applies: ([, pool], objects) =>
      objects.some((o) => o.kind === 'Tenant' && asArray(field(o, 'spec.pools')).some((p) => asRecord(p).name === pool))
        ? `the Tenant still has pool ${pool}`
        : undefined,
  },
  {
    pattern: /^move (.+) to (\S+)$/,
    applies: () => undefined,
  },
  // standing: kept while the volumes exceed the disks, which validation checks (storage-capacity.ts)
  { pattern: THIN_PROVISIONING, applies: () => undefined },
  { pattern: ANY_SOURCE, applies: () => undefined },
];

/** Entries of `acknowledge` that name no change the gate knows, or whose change the rendered site no longer makes. */
export function acknowledgementIssues(
  acknowledge: readonly Acknowledgement[] | undefined,
  objects: readonly KubeObject[],
): SiteIssue[] {
  return (acknowledge ?? []).flatMap((a, i): SiteIssue[] => {
    const path = `acknowledge[${i}].change`;
    for (const form of FORMS) {
      const m = form.pattern.exec(a.change);
      if (!m) continue;
      const why = form.applies(m, objects);
      return why ? [{ path, message: `'${a.change}' no longer applies (${why}): remove this entry` }] : [];
    }
    return [
      {
        path,
        message: `'${a.change}' is not a change npm run check asks to acknowledge: copy the words of its message (e.g. 'delete postgresql postgres/acid-old')`,
      },
    ];
  });
}
