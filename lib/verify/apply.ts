import { asArray, asRecord } from '../core/records';
import { describe, type KubeObject, type RenderedObject } from '../core/objects';
import { messageOf, until, type Kube, type Reply } from './kube';
import { hasSyncOption, type AppSync } from '../check/sync-plan';

/** What the API server said about one object of dist/. */
export interface ObjectResult {
  /** `<app>: <Kind> <ns>/<name>`. */
  readonly where: string;
  readonly verdict: 'accepted' | 'rejected' | 'dry-run';
  /** The server's rejection, verbatim; or why an object was only dry-run. */
  readonly message?: string;
  /** Warning headers: Pod Security `would violate`, deprecated APIs. */
  readonly warnings: readonly string[];
}

/**
 * Kinds whose backends cannot run here: installing them would send every later create to a webhook that never answers.
 */
const DRY_RUN_ONLY: Readonly<Record<string, string>> = {
  ValidatingWebhookConfiguration:
    'its webhook server cannot run here (no kubelet, no images): validated by a server dry-run, not installed',
  MutatingWebhookConfiguration:
    'its webhook server cannot run here (no kubelet, no images): validated by a server dry-run, not installed',
  APIService: 'its aggregated API server cannot run here: validated by a server dry-run, not installed',
};

const FIELD_MANAGER = 'argocd-controller';
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

function query(dryRun: boolean, serverSide: boolean): string {
  return `?fieldManager=${FIELD_MANAGER}&fieldValidation=Strict${serverSide ? '&force=true' : ''}${dryRun ? '&dryRun=All' : ''}`;
}

/**
 * Create or update one object as ArgoCD does: server-side apply when asked, else kubectl's
 * client-side apply (the object with its last-applied annotation, whose size limit is why big CRDs
 * need server-side apply). Every write validates fields strictly.
 */
async function write(kube: Kube, obj: KubeObject, serverSide: boolean, dryRun: boolean): Promise<Reply> {
  const collection = await kube.collection(obj.apiVersion, obj.kind, obj.metadata.namespace);
  if (!collection)
    return {
      status: 404,
      body: {
        message: `the server does not serve ${obj.kind} in ${obj.apiVersion}: no CustomResourceDefinition defines it`,
      },
      warnings: [],
    };
  const path = `${collection}/${encodeURIComponent(obj.metadata.name)}`;
  if (serverSide) return kube.send('PATCH', `${path}${query(dryRun, true)}`, obj, 'application/apply-patch+yaml');
  const annotated = {
    ...obj,
    metadata: { ...obj.metadata, annotations: { ...obj.metadata.annotations, [LAST_APPLIED]: JSON.stringify(obj) } },
  };
  const created = await kube.send('POST', `${collection}${query(dryRun, false)}`, annotated);
  if (created.status !== 409) return created;
  // kubectl's three-way merge: a field the last apply set and this one drops is deleted (null), not kept
  const last = asRecord((await kube.get(path))?.metadata).annotations;
  const previous = asRecord(last)[LAST_APPLIED];
  const patch = typeof previous === 'string' ? withDeletions(asRecord(JSON.parse(previous)), annotated) : annotated;
  return kube.send('PATCH', `${path}${query(dryRun, false)}`, patch, 'application/merge-patch+json');
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `next` as a JSON merge patch over what `last` applied: each field `last` had and `next` lacks set to null. */
export function withDeletions(last: Record<string, unknown>, next: Record<string, unknown>): Record<string, unknown> {
  const patch: Record<string, unknown> = { ...next };
  for (const [key, value] of Object.entries(last))
    if (!(key in next)) patch[key] = null;
    else if (isObject(value) && isObject(next[key])) patch[key] = withDeletions(value, next[key]);
  return patch;
}

const established = (crd: Record<string, unknown>): boolean =>
  asArray(asRecord(crd.status).conditions).some(
    (c) => asRecord(c).type === 'Established' && asRecord(c).status === 'True',
  );

/**
 * A custom resource's kind: when a CRD defines it, wait until the CRD is established and discovery
 * serves it (ArgoCD applies CRDs before the resources of the same sync); when none does, go on at once.
 */
async function awaitKind(kube: Kube, obj: KubeObject): Promise<void> {
  const group = obj.apiVersion.split('/')[0];
  const crds = await kube.list('/apis/apiextensions.k8s.io/v1/customresourcedefinitions');
  const crd = crds.find((c) => asRecord(c.spec).group === group && asRecord(asRecord(c.spec).names).kind === obj.kind);
  if (!crd) return;
  await until(
    30,
    async () => {
      const live = await kube.get(
        `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${String(asRecord(crd.metadata).name)}`,
      );
      return live && established(live) && (await kube.resourceOf(obj.apiVersion, obj.kind)) ? true : undefined;
    },
    200,
  );
}

/** The object as the Application applies it: namespaced kinds without a namespace go to the destination namespace. */
async function placed(kube: Kube, obj: KubeObject, namespace: string | undefined): Promise<KubeObject> {
  if (obj.metadata.namespace || !namespace) return obj;
  const resource = await kube.resourceOf(obj.apiVersion, obj.kind);
  return resource?.namespaced ? { ...obj, metadata: { ...obj.metadata, namespace } } : obj;
}

export async function applyObject(
  kube: Kube,
  r: RenderedObject,
  serverSide: boolean,
  namespace?: string,
): Promise<ObjectResult> {
  if (!(await kube.resourceOf(r.obj.apiVersion, r.obj.kind))) await awaitKind(kube, r.obj);
  const obj = await placed(kube, r.obj, namespace);
  const where = `${r.app}: ${describe(obj)}`;
  const ssa = serverSide || hasSyncOption(obj, 'ServerSideApply=true');
  const dryRunOnly = DRY_RUN_ONLY[obj.kind];
  const reply = await write(kube, obj, ssa, dryRunOnly !== undefined);
  if (reply.status >= 300) return { where, verdict: 'rejected', message: messageOf(reply), warnings: reply.warnings };
  return {
    where,
    verdict: dryRunOnly ? 'dry-run' : 'accepted',
    ...(dryRunOnly ? { message: dryRunOnly } : {}),
    warnings: reply.warnings,
  };
}

/** One object of an Application's sync, and its result. */
export interface Synced {
  readonly sync: AppSync;
  readonly object: RenderedObject;
  readonly result: ObjectResult;
}

/** Sync one Application: its namespace first when it creates it, then its objects in order. */
export async function syncApplication(kube: Kube, sync: AppSync): Promise<Synced[]> {
  const objects = [
    ...(sync.createNamespace ? [{ site: '', app: sync.app, file: '', obj: sync.createNamespace }] : []),
    ...sync.objects,
  ];
  const out: Synced[] = [];
  for (const object of objects)
    out.push({
      sync,
      object,
      result: await applyObject(kube, object, sync.serverSide || object.obj === sync.createNamespace, sync.namespace),
    });
  return out;
}

/**
 * Applications of one wave sync independently, and ArgoCD retries a failed sync (every
 * Application has a retry block): an object refused because another Application of the wave had
 * not yet made its namespace or CRD is applied again once the wave is through. What still fails is a rejection.
 */
export async function retryWave(kube: Kube, synced: readonly Synced[]): Promise<ObjectResult[]> {
  return Promise.all(
    synced.map(async (s) => {
      if (s.result.verdict !== 'rejected') return s.result;
      const again = await applyObject(kube, s.object, s.sync.serverSide, s.sync.namespace);
      return again.verdict === 'rejected'
        ? again
        : {
            ...again,
            warnings: [
              ...again.warnings,
              `accepted on ArgoCD's sync retry; the first attempt was refused: ${s.result.message}`,
            ],
          };
    }),
  );
}
