import { z } from 'zod';

/**
 * Cross-site disaster recovery: a cluster of one site declared as the standby of a cluster of another site. Zalando's
 * `standby` section makes it replay the primary's WAL archive, read from the primary site's S3 store (Spilo's
 * STANDBY_ environment), read-only until promoted (docs/operations.md, "Promote a standby cluster of another site").
 */
export const StandbySchema = z
  .strictObject({
    site: z.string().describe('The site of the primary cluster (a site of this repository)'),
    cluster: z.string().describe('The primary cluster, declared in that site'),
    uid: z
      .string()
      .describe(
        "metadata.uid of the primary's postgresql object: its WAL archive lives under that id (kubectl get pg <name> -o jsonpath='{.metadata.uid}' on the primary site)",
      ),
    s3Endpoint: z
      .string()
      .describe(
        "The primary site's S3 store as this site reaches it, 'http://10.30.0.205': its host an address the primary site declares (a node, or its load balancers' pool)",
      ),
    credentialsSecret: z
      .string()
      .describe(
        "Secret in this cluster's namespace with AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY of a user allowed to read the primary's bucket, and WALG_LIBSODIUM_KEY (the primary site's backup key) when its backups are encrypted, created at deploy time (never a value in git)",
      ),
  })
  .describe(
    "Make this cluster the standby of a cluster of another site: it replays the primary's WAL archive from that site's S3 store, read-only, until promoted (remove this section). Default: none",
  );
export type StandbySpec = z.infer<typeof StandbySchema>;
