import { checkAppProjects } from './app-project';
import type { Finding, SiteTree } from './findings';
import { dataNamespaces, isDataBearing, isProtected } from '../core/data-bearing';
import { podSecurityViolations, type PodSecurityLevel } from './pod-security';
import { asArray, asRecord } from '../core/records';
import { groupKind, where, type KubeObject, type RenderedObject } from '../core/objects';
import { podTemplateOf } from '../core/workloads';
import { ARGOCD_SECRET_TYPE, POD_SECURITY_REASON, ROOT_REASON } from '../core/annotations';
import { imagesOf } from '../core/images';
import { fullImageName } from '../site/mirrors';
import { byText } from '../core/order';

/**
 * House policy over the rendered objects: pinned images, hardened containers with limits,
 * Pod Security labels, protected data, no secret values, a least-privilege AppProject.
 */
type Rule = (tree: SiteTree) => Finding[];

const finding = (r: RenderedObject, severity: Finding['severity'], message: string): Finding => ({
  check: 'policy',
  severity,
  where: `${r.site}/${where(r)}`,
  message,
});

/** Why an image reference is not pinned, or undefined when it is (a tag other than latest, or a digest). */
export function unpinnedReason(image: string): string | undefined {
  if (/@sha256:[0-9a-f]{64}$/.test(image)) return undefined;
  const name = image.slice(image.lastIndexOf('/') + 1);
  const tag = name.includes(':') ? name.slice(name.indexOf(':') + 1) : undefined;
  if (tag === undefined) return 'has no tag (it means latest)';
  if (tag === 'latest') return "uses the moving tag 'latest'";
  return undefined;
}

const imagesPinned: Rule = ({ objects }) =>
  objects
    .filter((r) => r.obj.kind !== 'CustomResourceDefinition')
    .flatMap((r) =>
      imagesOf(r.obj).flatMap(({ path, image }) => {
        const why = unpinnedReason(image);
        return why
          ? [
              finding(
                r,
                'error',
                `${path}: image '${image}' ${why}: pin a version tag or a digest in the site's train (lib/site/trains/) or its versions overrides`,
              ),
            ]
          : [];
      }),
    );

/** What a container's effective securityContext (its own over the pod's) lacks to be hardened. */
export function hardeningGaps(podSpec: Record<string, unknown>, container: Record<string, unknown>): string[] {
  const pod = asRecord(podSpec.securityContext);
  const own = asRecord(container.securityContext);
  const eff = (key: string) => own[key] ?? pod[key];
  const runAsUser = eff('runAsUser');
  const gaps: string[] = [];
  if (runAsUser === 0 || (eff('runAsNonRoot') !== true && !(typeof runAsUser === 'number' && runAsUser > 0)))
    gaps.push('runAsNonRoot: true (or a non-zero runAsUser)');
  if (own.allowPrivilegeEscalation !== false) gaps.push('allowPrivilegeEscalation: false');
  if (own.privileged === true) gaps.push('no privileged: true');
  if (!asArray(asRecord(own.capabilities).drop).includes('ALL')) gaps.push("capabilities.drop: ['ALL']");
  if (own.readOnlyRootFilesystem !== true) gaps.push('readOnlyRootFilesystem: true');
  if (!['RuntimeDefault', 'Localhost'].includes(String(asRecord(eff('seccompProfile')).type)))
    gaps.push('seccompProfile.type: RuntimeDefault');
  return gaps;
}

const ROOT_GAP = 'runAsNonRoot: true (or a non-zero runAsUser)';

const containersHardened: Rule = ({ objects }) =>
  objects.flatMap((r) => {
    const pod = podTemplateOf(r.obj);
    if (!pod) return [];
    const rootReason = asRecord(asRecord(asRecord(asRecord(r.obj.spec).template).metadata).annotations)[ROOT_REASON];
    return [...asArray(pod.spec.initContainers), ...asArray(pod.spec.containers)].map(asRecord).flatMap((c) => {
      const all = hardeningGaps(pod.spec, c);
      const root = typeof rootReason === 'string' && all.includes(ROOT_GAP);
      const gaps = root ? all.filter((g) => g !== ROOT_GAP) : all;
      const limits = asRecord(asRecord(c.resources).limits);
      const missing = ['cpu', 'memory'].filter((k) => limits[k] === undefined);
      return [
        ...(root ? [finding(r, 'warning', `container '${String(c.name)}' runs as root: ${String(rootReason)}`)] : []),
        ...(gaps.length
          ? [
              finding(
                r,
                'error',
                `container '${String(c.name)}' is not hardened: set ${gaps.join(', ')} (lib/constructs/hardening.ts hardenedContainer)`,
              ),
            ]
          : []),
        ...(missing.length
          ? [
              finding(
                r,
                'error',
                `container '${String(c.name)}' has no ${missing.join(' and ')} limit: set resources.limits (lib/constructs/hardening.ts resources)`,
              ),
            ]
          : []),
      ];
    });
  });

const POD_SECURITY = 'pod-security.kubernetes.io';
const LEVELS = ['privileged', 'baseline', 'restricted'];

/** The least permissive level every pod template of a namespace passes. */
function neededLevel(objects: readonly RenderedObject[], namespace: string): PodSecurityLevel {
  const pods = objects
    .filter((r) => r.obj.metadata.namespace === namespace)
    .map((r) => podTemplateOf(r.obj))
    .filter((p) => p !== undefined);
  if (pods.some((p) => podSecurityViolations(p.spec, 'baseline').length)) return 'privileged';
  return pods.some((p) => podSecurityViolations(p.spec, 'restricted').length) ? 'baseline' : 'restricted';
}

/**
 * Every namespace is labelled, and no more permissive than its pods need: a level below what its
 * pod templates in dist/ pass needs the reason (pods an operator creates, which dist/ does not hold).
 */
const namespacesLabelled: Rule = ({ objects }) =>
  objects
    .filter((r) => groupKind(r.obj) === '/Namespace')
    .flatMap((r) => {
      const labels = r.obj.metadata.labels ?? {};
      const enforce = labels[`${POD_SECURITY}/enforce`];
      if (!LEVELS.includes(enforce)) {
        return [
          finding(
            r,
            'error',
            `label ${POD_SECURITY}/enforce is ${enforce === undefined ? 'missing' : `'${enforce}'`}: set one of ${LEVELS.join(', ')} (use PlatformNamespace)`,
          ),
        ];
      }
      const missing = ['warn', 'audit'].filter((m) => !LEVELS.includes(labels[`${POD_SECURITY}/${m}`]));
      const needed = neededLevel(objects, r.obj.metadata.name);
      const looser =
        LEVELS.indexOf(enforce) < LEVELS.indexOf(needed) && !r.obj.metadata.annotations?.[POD_SECURITY_REASON];
      return [
        ...(looser
          ? [
              finding(
                r,
                'error',
                `Pod Security enforce level '${enforce}' is more permissive than its pods in dist/ need ('${needed}'): enforce '${needed}', or give the reason (PlatformNamespace reason, annotation ${POD_SECURITY_REASON})`,
              ),
            ]
          : []),
        ...(missing.length
          ? [
              finding(
                r,
                'warning',
                `labels ${missing.map((m) => `${POD_SECURITY}/${m}`).join(', ')} missing: set them to restricted to see violations early`,
              ),
            ]
          : []),
      ];
    });

/** Pod templates must pass the Pod Security level their namespace enforces, or admission rejects their pods. */
const admitted: Rule = ({ objects }) => {
  const levels = new Map(
    objects
      .filter((r) => groupKind(r.obj) === '/Namespace')
      .map((r) => [r.obj.metadata.name, r.obj.metadata.labels?.[`${POD_SECURITY}/enforce`]]),
  );
  return objects.flatMap((r) => {
    const pod = podTemplateOf(r.obj);
    const ns = r.obj.metadata.namespace;
    if (!pod || !ns) return [];
    if (!levels.has(ns))
      return [
        finding(
          r,
          'warning',
          `namespace '${ns}' is not rendered, so its Pod Security level is unknown: render it with PlatformNamespace`,
        ),
      ];
    const level = levels.get(ns);
    // an unlabelled namespace is reported by the namespaces rule
    if (level === undefined || !LEVELS.includes(level)) return [];
    const violations = podSecurityViolations(pod.spec, level as PodSecurityLevel);
    return violations.length
      ? [finding(r, 'error', `Pod Security '${level}' of namespace ${ns} rejects its pods: ${violations.join('; ')}`)]
      : [];
  });
};

const dataProtected: Rule = ({ objects }) => {
  const withData = dataNamespaces(objects.map((r) => r.obj));
  return objects
    .filter((r) => isDataBearing(r.obj, withData) && !isProtected(r.obj))
    .map((r) =>
      finding(
        r,
        'error',
        `holds data but ArgoCD may prune or delete it: annotate argocd.argoproj.io/sync-options with Prune=false,Delete=false (protectData)${groupKind(r.obj) === '/Namespace' ? '; the namespace holds data-bearing objects' : ''}`,
      ),
    );
};

/**
 * An ArgoCD cluster Secret (a fleet hub's, lib/components/fleet/fleet.ts) may name its cluster in git: these keys say which
 * cluster, not how to log in; its credentials (`config`) stay out of git like every other Secret value.
 */
const CLUSTER_SECRET_PUBLIC_KEYS: readonly string[] = ['name', 'server', 'namespaces', 'clusterResources', 'project'];
const isClusterSecret = (obj: KubeObject) => obj.metadata.labels?.[ARGOCD_SECRET_TYPE] === 'cluster';

const noSecretValues: Rule = ({ objects }) =>
  objects
    .filter((r) => groupKind(r.obj) === '/Secret')
    .flatMap((r) => {
      const keys = [...Object.keys(asRecord(r.obj.data)), ...Object.keys(asRecord(r.obj.stringData))].filter(
        (k) => !(isClusterSecret(r.obj) && CLUSTER_SECRET_PUBLIC_KEYS.includes(k)),
      );
      return keys.length
        ? [
            finding(
              r,
              'error',
              `Secret carries values (${keys.sort(byText).join(', ')}) in git: create it at deploy time (kubectl create secret …) and reference it by name`,
            ),
          ]
        : [];
    });

/** Registries upstream announced it will shut down: what a site still pulls from them breaks when they go. */
const RETIRING_REGISTRIES: readonly {
  readonly host: string;
  readonly announcement: string;
  readonly successor: string;
}[] = [
  {
    host: 'registry.opensource.zalan.do',
    announcement: 'zalando/postgres-operator#3092, merged 2026-05-08',
    successor: "ghcr.io/zalando (the 'current' train's images)",
  },
];

/** One warning per site and retiring registry, naming every image it still pulls from there. */
const registriesAlive: Rule = ({ site, objects }) =>
  RETIRING_REGISTRIES.flatMap(({ host, announcement, successor }) => {
    const images = [
      ...new Set(
        objects.flatMap((r) =>
          imagesOf(r.obj)
            .map(({ image }) => image)
            .filter((image) => fullImageName(image).startsWith(`${host}/`)),
        ),
      ),
    ].sort(byText);
    if (images.length === 0) return [];
    return [
      {
        check: 'policy',
        severity: 'warning' as const,
        where: site.name,
        message: `${images.length} image(s) come from ${host}, which upstream announced it will shut down (${announcement}): ${images.join(', ')}; copy them into a registry of yours and set the site's mirrors.registry (docs/air-gapped.md), or move to images from ${successor}`,
      },
    ];
  });

export const POLICY_RULES: Readonly<Record<string, Rule>> = {
  images: imagesPinned,
  registries: registriesAlive,
  hardening: containersHardened,
  namespaces: namespacesLabelled,
  admission: admitted,
  data: dataProtected,
  secrets: noSecretValues,
  project: checkAppProjects,
};

export function checkPolicy(tree: SiteTree): Finding[] {
  return Object.values(POLICY_RULES).flatMap((rule) => rule(tree));
}
