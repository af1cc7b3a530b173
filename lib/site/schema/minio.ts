import { z } from 'zod';
import { DEFAULTS } from '../defaults';
import { DnsLabelSchema, quoted, SecretKeyRefSchema } from '../schema-kit';

const MinioPoolSchema = z.strictObject({
  name: z.string(),
  nodes: z.array(z.string()).describe('Its servers: s3 nodes, by name'),
});

/**
 * MinIO object storage on the nodes with role 's3': one server per node, one volume per
 * declared disk. The runbook's tenant wizard screens are the options below.
 */
export const MinioSchema = z
  .strictObject({
    tenant: DnsLabelSchema.optional().describe(`Tenant name. Default: ${quoted(DEFAULTS.minio.tenant)}`),
    namespace: DnsLabelSchema.optional().describe(
      `Namespace of the tenant (one tenant per namespace). Default: ${quoted(DEFAULTS.minio.namespace)}`,
    ),
    rootCredentialsSecret: z
      .string()
      .describe(
        "Secret in the tenant namespace whose key config.env holds 'export MINIO_ROOT_USER=…' and 'export MINIO_ROOT_PASSWORD=…' lines (the wizard's Configure screen). Required: never a value in git",
      ),
    storageClass: z
      .string()
      .optional()
      .describe(
        "StorageClass of a dynamic provisioner for the s3 nodes' disks. Default: none, synth renders the minio-local class and one local PersistentVolume per declared disk of each s3 node",
      ),
    buckets: z
      .array(z.string())
      .optional()
      .describe('Buckets the tenant creates (once, at provisioning). Default: none'),
    autoCert: z
      .boolean()
      .optional()
      .describe(
        `TLS with a certificate the operator requests from the cluster CA (Security screen). Default: ${DEFAULTS.minio.autoCert}`,
      ),
    openid: z
      .strictObject({
        configUrl: z.string(),
        clientId: z.string(),
        clientSecret: SecretKeyRefSchema,
        claimName: z
          .string()
          .optional()
          .describe(`Default: ${quoted(DEFAULTS.minio.openidClaimName)}`),
        scopes: z
          .array(z.string())
          .optional()
          .describe(`Default: [${DEFAULTS.minio.openidScopes.map(quoted).join(', ')}]`),
      })
      .optional()
      .describe('OpenID Connect identity provider (Identity Provider screen), the client secret by reference'),
    kes: z
      .strictObject({
        configSecret: z
          .string()
          .describe('Secret with key server-config.yaml (KES configuration, including the KMS credentials)'),
        keyName: z.string().describe("The default encryption key's name in the KMS"),
      })
      .optional()
      .describe('Server-side encryption with KES (Encryption screen): its configuration Secret by reference'),
    auditWebhook: z
      .strictObject({ endpoint: z.string(), authToken: SecretKeyRefSchema.optional() })
      .optional()
      .describe('Audit log to an HTTP webhook (Audit Log screen), its auth token by reference'),
    publicMetrics: z
      .boolean()
      .optional()
      .describe(
        `Prometheus metrics without a bearer token (the monitoring app scrapes them). Default: ${DEFAULTS.minio.publicMetrics}`,
      ),
    pools: z
      .array(MinioPoolSchema)
      .optional()
      .describe(
        "Server pools: MinIO never resizes a pool, it grows by new pools. Each s3 node belongs to one. Default: one pool 'pool-0' of every s3 node",
      ),
  })
  .describe("MinIO object storage on the 's3' nodes. Default: no MinIO");
export type MinioSpec = z.infer<typeof MinioSchema>;
