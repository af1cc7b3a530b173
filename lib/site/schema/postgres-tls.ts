import { z } from 'zod';
import { enumOf } from '../schema-kit';

/**
 * A cluster's own server certificate through the operator's `tls` field (docs/reference/cluster_manifest.md "Custom
 * TLS certificates"): Spilo and the cluster's poolers serve it, so that clients can verify the server
 * (sslmode=verify-full) instead of trusting Spilo's self-signed certificate.
 */
export const PostgresTlsSchema = z
  .strictObject({
    secretName: z
      .string()
      .describe(
        "Secret in the cluster's namespace with tls.crt and tls.key (a kubernetes.io/tls Secret, e.g. written by a cert-manager Certificate), created at deploy time: a certificate for the names clients use (<cluster>.<namespace>.svc, <cluster>-repl, <cluster>-pooler..., the load balancers' names)",
      ),
    caSecretName: z
      .string()
      .optional()
      .describe(
        'Secret in the same namespace whose ca.crt the server trusts for client certificates (mounted at /tlsca). Default: none',
      ),
    issuer: z
      .strictObject({
        kind: enumOf(['ClusterIssuer', 'Issuer'], 'issuer kind', "cert-manager's issuer kind"),
        name: z.string().describe("The issuer's name, e.g. the site CA's ClusterIssuer"),
      })
      .optional()
      .describe(
        "A cert-manager issuer (the site's CA, its key never in git): a Certificate writing secretName for every name of the cluster's Services is rendered beside the cluster. Needs cert-manager on the site (ceph.certManager). Default: none, the Secret is created by hand",
      ),
  })
  .describe(
    "The cluster's server certificate from a Secret (docs/security.md#postgres-tls). Default: none, Spilo's self-signed certificate (sslmode=require encrypts, authenticates no server)",
  );
