/**
 * A named point of the write path where a test may kill the process for real (SIGKILL: no
 * `finally`, no exit handlers), to show that what a crash leaves there is recovered by the next
 * run. Set `PG_GITOPS_KILL_AT=<name>` in the environment of a child process; unset, it does nothing.
 */
export function killPoint(name: string): void {
  if (process.env.PG_GITOPS_KILL_AT === name) process.kill(process.pid, 'SIGKILL');
}
