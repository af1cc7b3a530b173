import { isList, isRecord } from './records';

/**
 * Image references inside rendered objects, found by key: `image`, `dockerImage`,
 * `docker_image`, `ROOK_CSI_CEPH_IMAGE`… Used by the policy check (pinned tags), the air-gap
 * rewrite and `npm run images`.
 */
const IMAGE_KEY = /(^|_)image$|^[a-z]+Image$/i;
const IMAGE_REF = /^[a-z0-9][a-z0-9._:/@-]*$/i;

/** A bare `image: busybox` is an image; other *_image keys must look like one (registry or tag). */
const isImageField = (key: string, v: unknown): v is string =>
  IMAGE_KEY.test(key) && typeof v === 'string' && IMAGE_REF.test(v) && (key === 'image' || /[/:]/.test(v));

/**
 * Flags whose value is an image an operator runs (upstream's own, in container args): the
 * prometheus-operator's config-reloader sidecar, cert-manager's ACME HTTP-01 solver.
 */
const IMAGE_FLAGS = ['--prometheus-config-reloader', '--acme-http01-solver-image'];

function mapImageFlag(arg: string, rewrite: (image: string, path: string) => string, path: string): string {
  const eq = arg.indexOf('=');
  return eq > 0 && IMAGE_FLAGS.includes(arg.slice(0, eq))
    ? `${arg.slice(0, eq + 1)}${rewrite(arg.slice(eq + 1), path)}`
    : arg;
}

/**
 * ConfigMaps whose every data value is an image, by their consumer's contract: the Ceph CSI operator's
 * image set (Rook >= v1.20 operator.yaml; OperatorConfig spec.driverSpecDefaults.imageSet.name).
 */
const IMAGE_SET_CONFIGMAPS = ['rook-csi-operator-image-set-configmap'];

const isImageSet = (value: Record<string, unknown>): boolean =>
  value.kind === 'ConfigMap' &&
  isRecord(value.metadata) &&
  IMAGE_SET_CONFIGMAPS.includes(String(value.metadata.name)) &&
  isRecord(value.data);

/** A copy of `value` with every image reference replaced by `rewrite(ref, path)`. */
export function mapImages<T>(value: T, rewrite: (image: string, path: string) => string, path = ''): T {
  if (isRecord(value) && isImageSet(value)) {
    const data = value.data as Record<string, unknown>;
    return {
      ...value,
      data: Object.fromEntries(
        Object.entries(data).map(([k, v]) => [
          k,
          typeof v === 'string' ? rewrite(v, `${path ? `${path}.` : ''}data.${k}`) : v,
        ]),
      ),
    } as T;
  }
  if (isList(value)) {
    return value.map((v, i) =>
      typeof v === 'string' && path.endsWith('.args')
        ? mapImageFlag(v, rewrite, `${path}[${i}]`)
        : mapImages(v, rewrite, `${path}[${i}]`),
    ) as T;
  }
  if (!isRecord(value)) return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => {
      const p = path ? `${path}.${k}` : k;
      return [k, isImageField(k, v) ? rewrite(v, p) : mapImages(v, rewrite, p)];
    }),
  ) as T;
}

/** Every image reference of an object, with its field path. */
export function imagesOf(value: unknown): { path: string; image: string }[] {
  const found: { path: string; image: string }[] = [];
  mapImages(value, (image, path) => {
    found.push({ path, image });
    return image;
  });
  return found;
}
