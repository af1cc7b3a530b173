import { z } from 'zod';
import { DEFAULTS } from '../defaults';

/** Site-level options of the nodes' cloud-init (host-bootstrap/<site>/<node>.yaml). */
export const BootstrapSchema = z
  .strictObject({
    installArgoCd: z
      .boolean()
      .optional()
      .describe(
        `After kubeadm init and Flannel, install ArgoCD on the first control-plane node and apply the site's root Application, so a new cluster reaches GitOps with no manual step. Default: ${DEFAULTS.installArgoCd}`,
      ),
  })
  .describe("Options of the nodes' cloud-init (host-bootstrap/<site>/)");
export type BootstrapSpec = z.infer<typeof BootstrapSchema>;
