import { load } from 'js-yaml';
import { imagesOf } from '../core/images';
import { byText } from '../core/order';
import type { Site } from '../site/model';
import { renderManifests } from './render';
import { enabledComponents } from '../components/index';

/** One image a site needs, and what needs it (`dist/<app>`, `kubeadm`, `flannel`, `argocd install`). */
export interface NeededImage {
  readonly image: string;
  readonly usedBy: readonly string[];
}

/**
 * Every image a site's cluster pulls, as upstream references (a mirror holds copies under the
 * same names): the rendered manifests', and those each enabled component pulls beyond them
 * (kubeadm's, Flannel's, ArgoCD's install manifest's).
 */
export function siteImages(site: Site): NeededImage[] {
  const upstream: Site = { ...site, mirrors: undefined };
  const uses = new Map<string, Set<string>>();
  const add = (image: string, user: string) => uses.set(image, (uses.get(image) ?? new Set()).add(user));
  for (const [file, yaml] of renderManifests(upstream)) {
    const obj = load(yaml) as { kind?: string };
    if (obj.kind !== 'CustomResourceDefinition')
      imagesOf(obj).forEach(({ image }) => add(image, `dist/${file.split('/')[0]}`));
  }
  for (const component of enabledComponents(upstream))
    component.images?.(upstream).forEach(({ image, usedBy }) => add(image, usedBy));
  return [...uses]
    .map(([image, users]) => ({ image, usedBy: [...users].sort(byText) }))
    .sort((a, b) => byText(a.image, b.image));
}
