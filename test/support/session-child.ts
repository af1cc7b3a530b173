/**
 * A verify run in miniature, for test/verify-session.test.ts: it opens a session, starts a program in it and a daemon
 * that leaves its process group (as `pg_ctl start` does), prints its session id, then waits to be killed.
 */
import { spawnSync } from 'node:child_process';
import { Session } from '../../lib/verify/session';

void Session.open().then((session) => {
  session.start('sleeper', 'sleep', ['300'], '/dev/null');
  const [command, args] = session.command('sh', ['-c', 'setsid sleep 301 >/dev/null 2>&1 < /dev/null &']);
  spawnSync(command, args, { env: session.env(), stdio: 'ignore' });
  console.log(`VERIFY_SESSION=${session.id}`);
  setInterval(() => undefined, 1000);
});
