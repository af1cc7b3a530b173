import { dump } from 'js-yaml';
import { mapImages } from '../core/images';
import { siteImage } from '../site/mirrors';
import type { Site } from '../site/model';
import { catalogOf } from '../site/catalog';
import { loadUpstreamYaml, upstreamOf, type Manifest } from '../upstream';
import { bashScript, file } from './cloud-config';
import { ADMIN_KUBECONFIG, bootstrapPath, type BootstrapStep } from './step';

const FLANNEL_CONFIG = 'kube-flannel-cfg';
const NET_CONF = 'net-conf.json';

/** The pinned kube-flannel.yml with its `Network` set to the site's pod subnet (kubeadm's podSubnet). */
export function flannelManifests(site: Site): Manifest[] {
  return loadUpstreamYaml(upstreamOf(catalogOf(site).versions).flannel).map((upstream) => {
    const doc = mapImages(upstream, (image) => siteImage(site.mirrors, image));
    if (doc.kind !== 'ConfigMap' || doc.metadata.name !== FLANNEL_CONFIG) return doc;
    const data = doc.data as Record<string, string>;
    const netConf = { ...(JSON.parse(data[NET_CONF]) as object), Network: site.kubernetes.podSubnet };
    return { ...doc, data: { ...data, [NET_CONF]: `${JSON.stringify(netConf, null, 2)}\n` } };
  });
}

const FLANNEL_FILE = bootstrapPath('kube-flannel.yml');

/** Flannel from a file cloud-init wrote: no download, and the nodes become Ready. */
export function flannelStep(site: Site): BootstrapStep {
  return {
    name: '50-apply-flannel.sh',
    files: [
      file(
        FLANNEL_FILE,
        flannelManifests(site)
          .map((m) => dump(m, { lineWidth: -1, noRefs: true }))
          .join('---\n'),
      ),
    ],
    script: bashScript(
      `Flannel, the pod network: its Network is the cluster's pod subnet, ${site.kubernetes.podSubnet}.`,
      [`export KUBECONFIG=${ADMIN_KUBECONFIG}`, `kubectl apply -f ${FLANNEL_FILE}`],
    ),
  };
}
