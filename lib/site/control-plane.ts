import type { Site } from './model';
import { isIPv4, parseEndpoint } from './network';
import { nodesWithRole } from './roles';
import type { SiteIssue } from './issues';

/**
 * The control plane's virtual IP: `kubernetes.controlPlaneEndpoint` when it is an IPv4 address of
 * no node in front of several control planes. kube-vip brings it up on them (bootstrap/kube-vip.ts).
 */
export function controlPlaneVip(site: Site): { address: string; port: number } | undefined {
  const e = parseEndpoint(site.kubernetes.controlPlaneEndpoint);
  if (
    !e ||
    !isIPv4(e.host) ||
    nodesWithRole(site, 'control-plane').length < 2 ||
    site.nodes.some((n) => n.address === e.host)
  )
    return undefined;
  return { address: e.host, port: e.port };
}

const INTERFACE = /^[A-Za-z0-9_.:-]{1,15}$/;

/** A virtual IP needs the interface kube-vip announces it on; the interface means nothing without one. */
export function validateControlPlaneVip(site: Site): SiteIssue[] {
  const path = 'kubernetes.vipInterface';
  const iface = site.kubernetes.vipInterface;
  const vip = controlPlaneVip(site);
  if (!vip) {
    return iface === undefined
      ? []
      : [
          {
            path,
            message: `kubernetes.controlPlaneEndpoint is not a virtual IP (an IPv4 address of no node, in front of several control planes): nothing announces one; remove vipInterface`,
          },
        ];
  }
  if (iface === undefined) {
    return [
      {
        path,
        message: `${vip.address} is a virtual IP that no node has: kube-vip announces it from the control planes by ARP and needs their network interface ('ip -br addr' on a control plane, e.g. 'ens18'): set vipInterface`,
      },
    ];
  }
  return INTERFACE.test(iface)
    ? []
    : [
        {
          path,
          message: `'${iface}' is not a network interface name (at most 15 letters, digits, '.', '_', ':', '-')`,
        },
      ];
}
