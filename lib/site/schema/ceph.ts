import { z } from 'zod';
import { DEFAULTS } from '../defaults';
import { enumOf, quoted } from '../schema-kit';

/** Ceph storage by Rook on the nodes with role 'storage', their raw disks as OSDs (rendered by the Rook charts). */
export const CephSchema = z
  .strictObject({
    blockStorageClass: z
      .string()
      .optional()
      .describe(
        `Name of the RBD StorageClass Postgres volumes use. Default: ${quoted(DEFAULTS.ceph.blockStorageClass)}`,
      ),
    monCount: z
      .number()
      .optional()
      .describe('Ceph monitors: odd, at most one per storage node. Default: 3, or 1 with fewer than 3 storage nodes'),
    mgrCount: z
      .number()
      .optional()
      .describe('Ceph managers (one active, the others standby). Default: 2, or 1 with a single storage node'),
    poolSize: z
      .number()
      .optional()
      .describe(
        'Copies of each object in the block pool, one per host. Default: 3, or the storage nodes with disks when fewer',
      ),
    reclaimPolicy: enumOf(
      ['Retain', 'Delete'],
      'reclaimPolicy',
      `What happens to a volume's RBD image when its PVC is deleted (StorageClass reclaimPolicy): Retain keeps Postgres data until an admin deletes the PersistentVolume. Default: ${quoted(DEFAULTS.ceph.reclaimPolicy)}`,
    ).optional(),
    dashboard: z
      .boolean()
      .optional()
      .describe(
        `The Ceph dashboard (the runbook used it), served by the active mgr over TLS. Default: ${DEFAULTS.ceph.dashboard}`,
      ),
    toolbox: z
      .boolean()
      .optional()
      .describe(`The rook-ceph-tools Deployment, for \`ceph status\` by hand. Default: ${DEFAULTS.ceph.toolbox}`),
    certManager: z
      .boolean()
      .optional()
      .describe(
        `cert-manager (the train's, its upstream Helm chart) so Rook's admission webhook (Rook before v1.20; v1.20 has none) gets a certificate and rejects invalid Ceph resources before the operator sees them, as the runbook set it up. Default: ${DEFAULTS.ceph.certManager}`,
      ),
  })
  .describe("Ceph block storage from Rook on the 'storage' nodes. Default: no Ceph");
export type CephSpec = z.infer<typeof CephSchema>;
