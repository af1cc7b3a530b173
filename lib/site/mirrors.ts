import { z } from 'zod';
import type { SiteIssue } from './issues';

/**
 * Where an air-gapped site gets what it would otherwise fetch from the internet. Every mirror
 * keeps the upstream host as the first path segment, so one mirror serves every upstream and a
 * reference maps back to its source by eye:
 * `ghcr.io/zalando/spilo-15:3.0-p1` → `<registry>/ghcr.io/zalando/spilo-15:3.0-p1`,
 * `https://github.com/o/r.git` → `<git>/github.com/o/r.git`, `https://pkgs.k8s.io/p` → `<http>/pkgs.k8s.io/p`.
 */
export const MirrorSchema = z
  .strictObject({
    registry: z
      .string()
      .describe(
        'Image registry (host[:port][/path], no scheme) holding copies of every image the site needs (npm run images)',
      ),
    git: z
      .string()
      .describe('Base URL of Git repository mirrors, for Applications whose source is an upstream Git repository'),
    http: z
      .string()
      .describe('Base URL of an HTTP mirror: Helm repositories, apt repositories and their keys, upstream files'),
  })
  .describe(
    'Air-gapped site: every image, Git/Helm source and download is taken from these mirrors. Default: the public internet',
  );
export type MirrorSpec = z.infer<typeof MirrorSchema>;

/**
 * Public registries a node's containerd is told to pull through the mirror (for images referenced outside our files).
 */
export const PUBLIC_REGISTRIES = [
  'docker.io',
  'quay.io',
  'ghcr.io',
  'registry.k8s.io',
  'registry.opensource.zalan.do',
  'gcr.io',
  'public.ecr.aws',
] as const;

/** `redis:7` → `docker.io/library/redis:7`: the registry made explicit, as Docker resolves it. */
export function fullImageName(ref: string): string {
  const first = ref.split('/')[0];
  const hasRegistry = ref.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  if (hasRegistry) return ref;
  return ref.includes('/') ? `docker.io/${ref}` : `docker.io/library/${ref}`;
}

/** The registry host of an image reference (`docker.io` when none is written). */
export const registryOf = (ref: string): string => fullImageName(ref).split('/')[0];

export const mirrorImage = (mirrors: MirrorSpec, ref: string): string => `${mirrors.registry}/${fullImageName(ref)}`;

/** `https://host/path` under a mirror base URL: `<base>/host/path`. */
export function mirrorUrl(base: string, url: string): string {
  const parsed = new URL(url);
  return `${base}/${parsed.host}${parsed.pathname === '/' ? '' : parsed.pathname}${parsed.search}`;
}

const REGISTRY = /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d{1,5})?(\/[a-z0-9._-]+)*$/;

/** Mirrors must be usable as prefixes: a registry without scheme, https base URLs without a trailing slash. */
export function validateMirrors(mirrors: MirrorSpec | undefined): SiteIssue[] {
  if (!mirrors) return [];
  const issues: SiteIssue[] = [];
  if (!REGISTRY.test(mirrors.registry)) {
    issues.push({
      path: 'mirrors.registry',
      message: `'${mirrors.registry}' is not a registry reference: write host[:port][/path] in lower case, without https:// (e.g. 'registry.example.org:5000/mirror')`,
    });
  }
  for (const key of ['git', 'http'] as const) {
    const value = mirrors[key];
    let url: URL | undefined;
    try {
      url = new URL(value);
    } catch {
      url = undefined;
    }
    if (!url || url.protocol !== 'https:' || value.endsWith('/') || url.search || url.hash) {
      issues.push({
        path: `mirrors.${key}`,
        message: `'${value}' is not an https base URL: write it as https://host[/path] without a trailing slash (e.g. 'https://mirror.example.org/${key}')`,
      });
    }
  }
  return issues;
}

/** An image as a site pulls it: from its mirror when it has one. */
export const siteImage = (mirrors: MirrorSpec | undefined, ref: string): string =>
  mirrors ? mirrorImage(mirrors, ref) : ref;

/** A download as a site fetches it: through its HTTP mirror when it has one. */
export const siteUrl = (mirrors: MirrorSpec | undefined, url: string): string =>
  mirrors ? mirrorUrl(mirrors.http, url) : url;
