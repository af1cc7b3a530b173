import { Command, CommanderError } from 'commander';

/**
 * The one way the `npm run` commands read their flags (commander): `--help` with the flags and
 * the exit codes, unknown flags refused with the closest one, flags npm took for itself (a missing
 * `--`) named, and output to a closed pipe (`| head -1`) ending quietly.
 */

export interface CliSpec {
  /** The npm script, `synth`. */
  readonly script: string;
  readonly summary: string;
  /** Exit code → meaning, shown by --help. 2 is always a usage error. */
  readonly exitCodes: Readonly<Record<number, string>>;
  /** What a failure prints before its message, and the code it exits with. */
  readonly failure: { readonly prefix: string; readonly code: number };
}

const USAGE_ERROR = 2;

/** A command named as it is typed (`npm run synth --`); add options, then `runCli`. */
export function cliCommand(spec: CliSpec): Command {
  const codes = { 0: 'success', ...spec.exitCodes, [USAGE_ERROR]: 'usage error (unknown flag, missing or bad value)' };
  return new Command(`npm run ${spec.script} --`)
    .description(spec.summary)
    .helpOption('-h, --help', 'show this help and exit')
    .showSuggestionAfterError(true)
    .allowExcessArguments(false)
    .exitOverride()
    .addHelpText(
      'after',
      `\nExit codes:\n${Object.entries(codes)
        .map(([code, what]) => `  ${code}  ${what}`)
        .join('\n')}\n`,
    );
}

/** Flags npm consumed itself (`npm run synth --site poc`: npm sets npm_config_site and passes only `poc`). */
function flagsNpmTook(cmd: Command, argv: readonly string[]): string[] {
  return cmd.options
    .map((o) => o.long ?? '')
    .filter((long) => long && !argv.includes(long))
    .filter((long) => process.env[`npm_config_${long.slice(2).replace(/-/g, '_')}`] !== undefined);
}

/** An error whose message is for the user as is (no stack). */
export class UsageError extends Error {}

function quietOnClosedPipe(): void {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
}

/**
 * Parses `argv` with `cmd` and runs `action` with its options. Help exits 0, a usage error 2
 * with a hint, a failure `spec.failure.code` with its message.
 */
export function runCli<T>(
  spec: CliSpec,
  cmd: Command,
  action: (options: T, args: string[]) => void | Promise<void>,
  argv: readonly string[] = process.argv.slice(2),
): void {
  quietOnClosedPipe();
  cmd.configureOutput({ writeErr: () => undefined, outputError: () => undefined });
  try {
    cmd.parse([...argv], { from: 'user' });
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e;
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') process.exit(0);
    const eaten = flagsNpmTook(cmd, argv);
    const hint = eaten.length
      ? `npm took ${eaten.join(', ')} for itself: put '--' before the command's flags, e.g. npm run ${spec.script} -- ${eaten[0]} …`
      : `see npm run ${spec.script} -- --help${argv.length && !argv.some((a) => a.startsWith('-')) ? " (flags go after '--': npm run " + spec.script + ' -- --flag value)' : ''}`;
    console.error(`${e.message.replace(/^error: /, '')}\n${hint}`);
    process.exit(USAGE_ERROR);
  }
  const fail = (e: unknown): never => {
    if (e instanceof UsageError) {
      console.error(`${e.message}\nsee npm run ${spec.script} -- --help`);
      process.exit(USAGE_ERROR);
    }
    console.error(`${spec.failure.prefix}${e instanceof Error ? e.message : String(e)}`);
    process.exit(spec.failure.code);
  };
  try {
    const done = action(cmd.opts() as T, cmd.args);
    if (done) done.catch(fail);
  } catch (e) {
    fail(e);
  }
}

/** For repeatable options: `--site a --site b` → ['a', 'b']. */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];
