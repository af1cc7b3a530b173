import { catalogOf } from './catalog';
import { endOfLifeWarnings } from './postgres-lifecycle';
import { TRAINS } from './trains';
import type { Site } from './model';
import { FILE_VERSIONS, type KubernetesRange, type Train, type Unmaintained, type VersionKey } from './trains/train';
import type { SiteIssue } from './issues';
import { majorOf, minorNumber, minorOf } from '../core/versions';

/** Whether the site runs the component at all (cert-manager only for Rook's webhook, MinIO only with an s3 tier...). */
function runs(site: Site, component: VersionKey): boolean {
  switch (component) {
    case 'certManager':
      return site.ceph?.certManager === true;
    case 'rook':
    case 'ceph':
      return site.ceph !== undefined;
    case 'minioOperator':
    case 'minio':
    case 'kes':
      return site.minio !== undefined;
    case 'kubePrometheus':
      return site.monitoring !== undefined;
    case 'metallb':
      return site.loadBalancers !== undefined;
    default:
      return true;
  }
}

const inRange = (r: KubernetesRange, minor: string) =>
  minorNumber(minor) >= minorNumber(r.min) && (r.max === undefined || minorNumber(minor) <= minorNumber(r.max));
const rangeText = (r: KubernetesRange) => (r.max === undefined ? `${r.min} or later` : `${r.min} to ${r.max}`);

/** The site's components outside their stated Kubernetes range, each with the accepted ones apart. */
function outOfRange(site: Site): { range: KubernetesRange; accepted: boolean }[] {
  const minor = minorOf(site.kubernetes.version);
  if (!/^\d+\.\d+$/.test(minor)) return []; // validateSite reports the version
  const accepted = new Set(site.acceptUnsupported ?? []);
  return catalogOf(site)
    .train.compatibility.kubernetes.filter((r) => runs(site, r.component) && !inRange(r, minor))
    .map((range) => ({ range, accepted: range.runbookOutside === true && accepted.has(range.component) }));
}

/** The values of a version key the trains pin: the ones whose upstream files `npm run import` imports. */
const importedVersions = (key: VersionKey): string[] => [...new Set(Object.values(TRAINS).map((t) => t.versions[key]))];

/** The unmaintained components of the train the site runs, each with whether the site accepts it. */
function unmaintainedOf(site: Site, train: Train): { entry: Unmaintained; accepted: boolean }[] {
  const accepted = new Set(site.acceptUnsupported ?? []);
  return train.compatibility.unmaintained
    .filter((u) => runs(site, u.component))
    .map((entry) => ({ entry, accepted: accepted.has(entry.component) }));
}

/** A site running a component its train declares unmaintained is refused, unless it accepts it (then a warning). */
export function unmaintainedIssues(site: Site, train: Train): SiteIssue[] {
  const { versions } = catalogOf(site);
  return unmaintainedOf(site, train)
    .filter((u) => !u.accepted)
    .map(({ entry }) => ({
      path: site.s3?.provider !== undefined ? 's3.provider' : 'release',
      message: `${entry.component} ${versions[entry.component]} is no longer maintained upstream (${entry.source}: "${entry.quote}"): use ${entry.instead}, or keep it while moving off it with acceptUnsupported: ['${entry.component}'] (a warning)`,
    }));
}

/**
 * What the site's train declares and the site must keep to: its overrides name only imported upstream
 * files, each component runs on a Kubernetes minor upstream supports (or, where the runbook
 * itself did not, the site accepts it explicitly), PostgreSQL majors the operator accepts, Ceph
 * releases its Rook supports. Each refusal quotes its upstream source.
 */
export function validateCompatibility(site: Site): SiteIssue[] {
  const issues: SiteIssue[] = [];
  const catalog = catalogOf(site);
  const { train, versions } = catalog;
  for (const key of catalog.overridden) {
    if (!FILE_VERSIONS.includes(key)) continue;
    const imported = importedVersions(key);
    if (key === 'helm' || !imported.includes(versions[key])) {
      const why =
        key === 'helm'
          ? "helm renders every train's charts at import time, one binary for all: a site cannot choose it"
          : `${key} names pinned upstream files, and npm run import imports those of the versions a train pins (${imported.join(', ')}), not ${versions[key]}`;
      issues.push({
        path: `versions.${key}`,
        message: `${why}: remove the override, or pin ${key} in a train (lib/site/trains/${train.name}.ts) and run npm run import`,
      });
    }
  }
  const minor = minorOf(site.kubernetes.version);
  for (const { range, accepted } of outOfRange(site)) {
    if (accepted) continue;
    const optIn = range.runbookOutside
      ? `, or accept it as the runbook did with acceptUnsupported: ['${range.component}'] (a warning, not supported upstream)`
      : '';
    issues.push({
      path: 'kubernetes.version',
      message: `${range.component} ${versions[range.component]} supports Kubernetes ${rangeText(range)}, not ${minor} (${range.source}: "${range.quote}"): use a Kubernetes minor in that range or a train whose ${range.component} supports ${minor}${optIn}`,
    });
  }
  issues.push(...unmaintainedIssues(site, train));
  const acceptable = [
    ...train.compatibility.kubernetes.filter((r) => r.runbookOutside).map((r) => r.component),
    ...train.compatibility.unmaintained.map((u) => u.component),
  ];
  (site.acceptUnsupported ?? []).forEach((component, i) => {
    if (!(acceptable as readonly string[]).includes(component)) {
      issues.push({
        path: `acceptUnsupported[${i}]`,
        message: `'${component}' is not a component the train lets a site run unsupported (${acceptable.join(', ') || 'none'}): remove it`,
      });
    }
  });
  const pg = train.compatibility.postgresMajors;
  site.postgres.clusters.forEach((c, i) => {
    if (!pg.majors.includes(c.version)) {
      issues.push({
        path: `postgres.clusters[${i}].version`,
        message: `PostgreSQL ${c.version} is not supported by postgres-operator ${versions.postgresOperator} (${pg.source}: ${pg.quote}): use one of ${pg.majors.join(', ')} or a train whose operator supports ${c.version}`,
      });
    }
  });
  const ceph = train.compatibility.cephMajors;
  const cephMajor = majorOf(versions.ceph);
  if (site.ceph && !Number.isNaN(cephMajor) && !ceph.majors.includes(String(cephMajor))) {
    issues.push({
      path: site.versions?.ceph !== undefined ? 'versions.ceph' : 'release',
      message: `Ceph ${versions.ceph} is not supported by Rook ${versions.rook} (${ceph.source}: "${ceph.quote}", majors ${ceph.majors.join(', ')}): pick a Ceph release of those majors`,
    });
  }
  return issues;
}

/**
 * What synth prints (and the site report lists) about a valid site: the unsupported combinations it accepted,
 * opt-ins it no longer needs, and PostgreSQL majors past their end of life.
 */
export function compatibilityWarnings(site: Site): string[] {
  const minor = minorOf(site.kubernetes.version);
  const { versions } = catalogOf(site);
  const accepted = outOfRange(site)
    .filter((o) => o.accepted)
    .map((o) => o.range);
  const unmaintained = unmaintainedOf(site, catalogOf(site).train)
    .filter((u) => u.accepted)
    .map((u) => u.entry);
  const unneeded = (site.acceptUnsupported ?? []).filter(
    (c) => !accepted.some((r) => r.component === c) && !unmaintained.some((u) => u.component === c),
  );
  return [
    ...accepted.map(
      (range) =>
        `${range.component} ${versions[range.component]} runs unsupported on Kubernetes ${minor}: upstream supports ${rangeText(range)} (${range.source}: "${range.quote}"); accepted by acceptUnsupported, as the runbook did`,
    ),
    ...unmaintained.map(
      (u) =>
        `${u.component} ${versions[u.component]} is no longer maintained upstream (${u.source}: "${u.quote}"); accepted by acceptUnsupported: move to ${u.instead}`,
    ),
    ...unneeded.map(
      (c) =>
        `acceptUnsupported lists '${c}', which runs inside its supported range on this site (or is not deployed): remove it`,
    ),
    ...endOfLifeWarnings(site),
  ];
}
