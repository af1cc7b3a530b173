import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import type { KubeObject } from '../lib/core/objects';
import { poolerRoles, poolerUser, postgresBinDir, startDatabase, withHosts } from '../lib/verify/database';
import { Session } from '../lib/verify/session';

const cluster = (name: string, spec: Record<string, unknown>): KubeObject => ({
  apiVersion: 'acid.zalan.do/v1',
  kind: 'postgresql',
  metadata: { name, namespace: 'postgres' },
  spec,
});

describe('verify: which clusters get poolers, as the operator decides (connection_pooler.go)', () => {
  test("the primary's pooler with enableConnectionPooler, or with a connectionPooler section and no enableConnectionPooler; the replicas' only with enableReplicaConnectionPooler", () => {
    expect(poolerRoles(cluster('acid-a', { enableConnectionPooler: true }))).toEqual(['master']);
    expect(poolerRoles(cluster('acid-a', { connectionPooler: { mode: 'session' } }))).toEqual(['master']);
    expect(poolerRoles(cluster('acid-a', { connectionPooler: {}, enableConnectionPooler: false }))).toEqual([]);
    expect(
      poolerRoles(cluster('acid-a', { enableConnectionPooler: false, enableReplicaConnectionPooler: true })),
    ).toEqual(['replica']);
    expect(poolerRoles(cluster('acid-a', {}))).toEqual([]);
  });
  test("the pooler role is the cluster's connectionPooler.user, else the operator's connection_pooler_user, else pooler", () => {
    expect(
      poolerUser(cluster('acid-a', { connectionPooler: { user: 'bouncer' } }), { connection_pooler_user: 'pgb' }),
    ).toBe('bouncer');
    expect(poolerUser(cluster('acid-a', {}), { connection_pooler_user: 'pgb' })).toBe('pgb');
    expect(poolerUser(cluster('acid-a', {}), {})).toBe('pooler');
  });
  test('no pooled cluster, no database', async () => {
    const session = await Session.open();
    try {
      expect(await startDatabase([cluster('acid-a', {})], {}, session)).toBeUndefined();
    } finally {
      await session.close();
    }
  });
});

/**
 * The stand-in primary as the operator reaches it: the cluster's service name resolves to loopback in
 * the operator's namespace only, and the lookup function's SQL (database.go connectionPoolerLookup)
 * runs over SSL (sslmode=require, as the operator connects) and grants to the pooler role.
 */
const tools = postgresBinDir() !== undefined && existsSync('/usr/bin/unshare');
if (!tools && process.env.CI !== 'true') console.warn('verify database test SKIPPED: needs postgresql and unshare');
describe.runIf(tools || process.env.CI === 'true')('verify: the stand-in primary of the pooled clusters', () => {
  test("the operator's host name resolves to 127.0.0.1 in its namespace only; the lookup function installs over SSL for the pooler role", async () => {
    expect(postgresBinDir(), 'CI must install postgresql').toBeDefined();
    const session = await Session.open();
    const db = (await startDatabase(
      [cluster('acid-pooled', { enableConnectionPooler: true }), cluster('acid-plain', {})],
      { cluster_domain: 'cluster.local' },
      session,
    ))!;
    try {
      const host = 'acid-pooled.postgres.svc.cluster.local';
      const resolve = (name: string) => {
        const [command, args] = withHosts(db.hosts, 'getent', ['hosts', name]);
        return spawnSync(command, args, { encoding: 'utf8' }).stdout.trim();
      };
      expect(resolve(host)).toMatch(/^127\.0\.0\.1\s+acid-pooled\.postgres\.svc\.cluster\.local$/);
      expect(resolve('acid-plain.postgres.svc.cluster.local')).toBe('');
      expect(spawnSync('getent', ['hosts', host]).status, "the host's own /etc/hosts is untouched").not.toBe(0);
      const sql = `CREATE SCHEMA IF NOT EXISTS pooler;
        CREATE OR REPLACE FUNCTION pooler.user_lookup(in i_username text, out uname text, out phash text) RETURNS record AS $$
        BEGIN SELECT usename, passwd FROM pg_catalog.pg_shadow WHERE usename = i_username INTO uname, phash; RETURN; END; $$ LANGUAGE plpgsql SECURITY DEFINER;
        GRANT EXECUTE ON FUNCTION pooler.user_lookup(text) TO pooler; GRANT USAGE ON SCHEMA pooler TO pooler;
        SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid();`;
      const [command, args] = withHosts(db.hosts, `${postgresBinDir()!}/psql`, [
        `host=${host} port=${db.port} dbname=postgres user=postgres sslmode=require`,
        '-v',
        'ON_ERROR_STOP=1',
        '-qtA',
        '-c',
        sql,
      ]);
      const r = spawnSync(command, args, { encoding: 'utf8' });
      expect(r.stderr).toBe('');
      expect(r.stdout.trim()).toBe('t');
    } finally {
      db.stop();
      await session.close();
    }
    expect(existsSync(db.hosts)).toBe(false);
  }, 30_000);
});
