import type { WriteFile } from './cloud-config';

/** Where cloud-init writes the step scripts and the files they install. */
export const BOOTSTRAP_DIR = '/usr/local/lib/host-bootstrap';

/**
 * One step of a node's bootstrap: a script runcmd runs in order, and the files it needs.
 * Each script is idempotent enough to be re-run by hand (`sudo <BOOTSTRAP_DIR>/<name>`).
 */
export interface BootstrapStep {
  /** Script file name under BOOTSTRAP_DIR, ordered by its number: `10-prepare-node.sh`. */
  readonly name: string;
  readonly script: string;
  readonly files: readonly WriteFile[];
}

export const bootstrapPath = (name: string) => `${BOOTSTRAP_DIR}/${name}`;

/** The admin kubeconfig `kubeadm init` writes on the first control plane. */
export const ADMIN_KUBECONFIG = '/etc/kubernetes/admin.conf';
