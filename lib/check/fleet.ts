import { fleetIssues } from '../site/fleet';
import { standbyHubIssues, standbyIssues } from '../site/standby';
import type { Site } from '../site/model';
import type { Finding } from './findings';

/**
 * The fleet-level rules of `npm run check`, across every site of the repository (lib/site/fleet.ts): a site in two
 * stages or under two hubs, a rollout out of order, a managed site missing, with its own ArgoCD or another
 * repository; a standby whose primary is missing, archives no WAL, runs another major or sits behind an address its
 * site does not declare; warned: a standby's site managed by its primary's site as hub.
 */
export function checkFleet(sites: readonly Site[]): Finding[] {
  const finding = (severity: 'error' | 'warning') => (issue: { path: string; message: string }) => ({
    check: 'fleet',
    severity,
    where: issue.path,
    message: issue.message,
  });
  return [
    ...[...fleetIssues(sites), ...standbyIssues(sites)].map(finding('error')),
    // warned, not refused: a hub that is the primary's site still works while that site does
    ...standbyHubIssues(sites).map(finding('warning')),
  ];
}
