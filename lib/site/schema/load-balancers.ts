import { z } from 'zod';

/**
 * LoadBalancer Services on bare metal: MetalLB v0.13 in L2 mode announces addresses of one pool
 * on the nodes' network (ARP), so the pool must lie in that network and outside its node addresses.
 */
export const EXPOSABLE = ['argocd', 'operatorUi', 'grafana', 'minioConsole'] as const;
export type Exposable = (typeof EXPOSABLE)[number];

export const LoadBalancersSchema = z
  .strictObject({
    network: z
      .string()
      .describe(
        "The nodes' network, the L2 segment MetalLB answers ARP on (CIDR, e.g. '10.20.0.0/24'): every node address and pool address lies in it",
      ),
    addresses: z
      .array(z.string())
      .describe(
        "The address pool: CIDRs ('10.20.0.240/28') or ranges ('10.20.0.200-10.20.0.220') inside network, outside the node addresses",
      ),
    expose: z
      .strictObject({
        argocd: z
          .boolean()
          .optional()
          .describe("Service 'argocd-server-external' in front of the ArgoCD server (HTTPS 443). Default: false"),
        operatorUi: z
          .boolean()
          .optional()
          .describe(
            "Service 'postgres-operator-ui-external' in front of the operator UI (HTTP 80; needs postgres.operator.ui). Default: false",
          ),
        grafana: z
          .boolean()
          .optional()
          .describe("Service 'grafana-external' in front of Grafana (HTTP 3000; needs monitoring). Default: false"),
        minioConsole: z
          .boolean()
          .optional()
          .describe(
            "Service '<tenant>-console-external' in front of the MinIO console (HTTPS 9443; needs minio). Default: false",
          ),
      })
      .optional()
      .describe('Web UIs reached on a load-balanced address instead of port-forwards and SSH tunnels'),
    allowedSourceRanges: z
      .array(z.string())
      .optional()
      .describe('Client networks (CIDRs) the exposed UIs accept (loadBalancerSourceRanges). Default: network'),
  })
  .describe('LoadBalancer Services on bare metal: MetalLB in L2 mode with one address pool (docs/load-balancers.md)');
export type LoadBalancersSpec = z.infer<typeof LoadBalancersSchema>;
