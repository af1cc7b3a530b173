import { z } from 'zod';
import { enumOf } from '../schema-kit';

/**
 * The S3 store WAL-G backups go to: the MinIO tenant (the runbook's), or Rook's own Ceph object
 * store (CephObjectStore, RGW) on the `s3` nodes, whose disks then become OSDs of a device class
 * no other pool uses, so that backups live in another failure domain than the databases' volumes.
 */
const S3_PROVIDERS = ['minio', 'ceph-object-store'] as const;
export type S3Provider = (typeof S3_PROVIDERS)[number];

export const S3Schema = z
  .strictObject({
    provider: enumOf(
      S3_PROVIDERS,
      'S3 provider',
      "Where backups go: 'minio' (the minio section's tenant) or 'ceph-object-store' (Rook's RGW on the s3 nodes, their disks as Ceph OSDs apart from the databases'). Default: the train's (minio on runbook-2023)",
    ).optional(),
    gateways: z
      .number()
      .optional()
      .describe('ceph-object-store: RGW pods, one per s3 node. Default: 2, or 1 with a single s3 node'),
  })
  .describe("The S3 store of the backups. Default: the train's provider");
