import type { SiteNode } from '../site/model';
import { bashScript, file } from './cloud-config';
import { hostExtras } from './role-extras';
import type { BootstrapStep } from './step';

/** Kernel modules containerd and the bridge CNI need, on every node. */
const KERNEL_MODULES = ['overlay', 'br_netfilter'] as const;

/**
 * Bridged traffic through iptables and IPv4 forwarding, which kubeadm's preflight checks.
 * The runbook's `inet.bridge.bridge-nf-call-iptables` is a typo: sysctl ignores that key.
 */
const KUBERNETES_SYSCTLS: Readonly<Record<string, string>> = {
  'net.bridge.bridge-nf-call-iptables': '1',
  'net.bridge.bridge-nf-call-ip6tables': '1',
  'net.ipv4.ip_forward': '1',
};

export const MODULES_FILE = '/etc/modules-load.d/k8s.conf';
export const SYSCTL_FILE = '/etc/sysctl.d/k8s.conf';

function nodeKernelModules(node: SiteNode): string[] {
  return [...KERNEL_MODULES, ...hostExtras(node).kernelModules];
}

/** Swap off, modules and sysctls: now, and at every boot. */
export function prepareNodeStep(node: SiteNode): BootstrapStep {
  const modules = nodeKernelModules(node);
  return {
    name: '10-prepare-node.sh',
    files: [
      file(MODULES_FILE, `${modules.join('\n')}\n`),
      file(
        SYSCTL_FILE,
        Object.entries(KUBERNETES_SYSCTLS)
          .map(([k, v]) => `${k} = ${v}\n`)
          .join(''),
      ),
    ],
    script: bashScript("Swap off, kernel modules and sysctls: what the kubelet and kubeadm's preflight checks need.", [
      '# swap off now; at boot: swap lines of /etc/fstab commented out and swap.target masked',
      'swapoff -a',
      "sed -Ei.bak 's/^([[:space:]]*[^#[:space:]][^[:space:]]*[[:space:]]+[^[:space:]]+[[:space:]]+swap([[:space:]].*)?)$/# \\1/' /etc/fstab",
      'systemctl mask swap.target',
      `# ${MODULES_FILE} loads them at boot`,
      `modprobe -a ${modules.join(' ')}`,
      `# ${SYSCTL_FILE} sets them at boot`,
      'sysctl --system',
    ]),
  };
}
