import { minorNumber } from '../../core/versions';

/**
 * How a standby cluster of another site is promoted, per postgres-operator release. From v1.11.0 removing the
 * manifest's `standby` section is the whole promotion: after the rolling update that drops the STANDBY_* environment
 * the operator removes `standby_cluster` from Patroni's configuration (zalando/postgres-operator#2472, pkg/cluster/
 * sync.go syncStandbyClusterConfiguration; docs/user.md "Promote the standby"). Before it (the runbook train's
 * v1.9.0) the operator does neither: its docs/user.md says "Currently, the operator does not support promoting a
 * standby cluster. It has to be done manually using patronictl edit-config inside the postgres container of the
 * standby leader pod", then the section is removed from the manifest; `npm run verify` runs it so (lib/verify/live/
 * standby.ts).
 */
export const operatorPromotesByManifest = (operatorVersion: string): boolean => minorNumber(operatorVersion) >= 1011;

/** What removes `standby_cluster` from Patroni's dynamic configuration in the standby leader's pod: it promotes. */
export const PATRONI_PROMOTION = ['patronictl', 'edit-config', '--force', '-s', 'standby_cluster=null'] as const;
