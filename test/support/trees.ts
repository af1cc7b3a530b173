import type { SiteTree } from '../../lib/check/findings';
import { parseTree, type KubeObject, type RenderedObject } from '../../lib/core/objects';
import type { Site } from '../../lib/site/model';
import { requiredNodeAffinity, roleToleration } from '../../lib/site/roles';
import { toYaml } from '../../lib/synth/render';
import { renderedFiles } from './render';

/** A site's rendered objects, as `npm run check` reads them back from dist/. */
export function siteTree(site: Site): SiteTree {
  return { site, objects: parseTree(site.name, renderedFiles(site)) };
}

/** The tree with crafted objects added to an app (a bad tree, or an app another branch will render). */
export function withObjects(tree: SiteTree, app: string, ...objs: KubeObject[]): SiteTree {
  const added: RenderedObject[] = objs.map((obj) => ({
    site: tree.site.name,
    app,
    file: `${app}/${obj.kind.toLowerCase()}-${obj.metadata.name}.yaml`,
    obj,
  }));
  return { site: tree.site, objects: [...tree.objects, ...added] };
}

/** The tree with one object replaced by `change(copy)`. */
export function withChanged(tree: SiteTree, kind: string, name: string, change: (obj: any) => void): SiteTree {
  let found = false;
  const objects = tree.objects.map((r) => {
    if (r.obj.kind !== kind || r.obj.metadata.name !== name) return r;
    found = true;
    const obj = structuredClone(r.obj);
    change(obj);
    return { ...r, obj };
  });
  if (!found) throw new Error(`no ${kind} '${name}' in the tree`);
  return { site: tree.site, objects };
}

/** dist/ of a site as the diff reads it: `<site>/<app>/<file>` → YAML. */
export function distTree(site: Site): Map<string, string> {
  return new Map([...renderedFiles(site)].map(([path, yaml]) => [`${site.name}/${path}`, yaml]));
}

export function withFile(tree: ReadonlyMap<string, string>, path: string, obj: KubeObject): Map<string, string> {
  return new Map([...tree, [path, toYaml(obj, 'crafted for a test')]]);
}

const PROTECTED = { 'argocd.argoproj.io/sync-options': 'Delete=false,Prune=false' };

/** A CephCluster as the runbook placed it: on the storage nodes, tolerating their taint. */
export function cephCluster(spec: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'ceph.rook.io/v1',
    kind: 'CephCluster',
    metadata: { name: 'rook-ceph', namespace: 'rook-ceph', annotations: PROTECTED },
    spec: {
      cephVersion: { image: 'quay.io/ceph/ceph:v16.2.7' },
      dataDirHostPath: '/var/lib/rook',
      mon: { count: 3, allowMultiplePerNode: false },
      placement: { all: { nodeAffinity: requiredNodeAffinity('storage'), tolerations: [roleToleration('storage')] } },
      storage: {
        useAllNodes: false,
        useAllDevices: false,
        nodes: ['dnumcephworker1', 'dnumcephworker2', 'dnumcephworker3'].map((name) => ({
          name,
          devices: [{ name: 'vdb' }],
        })),
      },
      ...spec,
    },
  };
}

/** A Deployment whose pod passes every policy rule; tests break one thing at a time. */
export function hardenedDeployment(
  name: string,
  pod: Record<string, unknown> = {},
  container: Record<string, unknown> = {},
): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'postgres-operator' },
    spec: {
      replicas: 1,
      selector: { matchLabels: { name } },
      template: {
        metadata: { labels: { name } },
        spec: {
          securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [
            {
              name,
              image: 'example.org/app:v1.0.0',
              resources: { requests: { cpu: '100m', memory: '100Mi' }, limits: { cpu: '200m', memory: '200Mi' } },
              securityContext: {
                runAsUser: 1000,
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ['ALL'] },
              },
              ...container,
            },
          ],
          ...pod,
        },
      },
    },
  };
}
