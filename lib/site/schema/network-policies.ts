import { z } from 'zod';
import { DnsLabelSchema } from '../schema-kit';

/** The CNI plugins a site may run: Flannel (the runbook's, applied by the bootstrap) or Canal (Calico's policy engine on Flannel's network). */
export const CNI_PLUGINS = ['flannel', 'canal'] as const;

/**
 * NetworkPolicies of the namespaces the platform owns (lib/components/postgres-clusters/network-policies.ts):
 * default deny, then the flows each component needs. Only a CNI that enforces them makes them mean anything.
 */
export const NetworkPoliciesSchema = z
  .strictObject({
    clientNamespaces: z
      .array(DnsLabelSchema)
      .optional()
      .describe(
        "Namespaces whose pods may connect to the clusters and their poolers (5432), beside the clusters' own namespaces and the load balancers' allowedSourceRanges. Default: none",
      ),
  })
  .describe(
    "NetworkPolicies in the Postgres and operator namespaces: deny by default, then allow the flows each component needs (docs/security.md#network-policies). Needs kubernetes.cni 'canal': Flannel does not enforce them. Default: none",
  );
