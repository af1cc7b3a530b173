/**
 * A progress line per phase of `npm run check` and `npm run diff`, on stderr (stdout stays the report): the phase's
 * name when it starts, its time when it ends.
 */
export function phase<T>(name: string, run: () => T, command = 'check'): T {
  const started = performance.now();
  process.stderr.write(`${command}: ${name}… `);
  try {
    return run();
  } finally {
    process.stderr.write(`${Math.round(performance.now() - started)} ms\n`);
  }
}
