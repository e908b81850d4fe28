/**
 * The one command runner. Every command (`synth`, `validate`, `reachability`, `lint-k8s`) is a
 * `Command`; `runCommand` turns what it throws into the documented exit codes:
 *
 * | exit | meaning |
 * | --- | --- |
 * | 0 | done: written, valid, proven, clean |
 * | 1 | what was checked is wrong: validation problems, a failed proof, unexpected lint findings, synthesized output that fails its checks |
 * | 2 | the command could not run on its input: bad usage, invalid configuration or variables, unreadable or unparseable files, an I/O error |
 *
 * User mistakes (`UserError`) print one `error: ...` line per problem on stderr and never a stack
 * trace; anything else is a bug and propagates with its stack.
 */
import { UserError } from '../model/errors';

/** Where a command writes: report lines (stdout) and problem lines (stderr). */
export interface CliOutput {
  out(line: string): void;
  err(line: string): void;
}

/** One command of `main.ts`. */
export interface Command {
  /** What users type: `npm run <script>` runs `node scripts/run.js main.ts <name>`. */
  readonly name: string;
  /** One line for the usage text. */
  readonly usage: string;
  /** Runs the command; returns its exit code (or throws a `UserError`). */
  run(args: readonly string[], io: CliOutput): number;
}

/** Bad command-line usage: exit 2. */
export class UsageError extends UserError {
  constructor(problem: string, usage: string) {
    super([`${problem}; usage: ${usage}`], 2);
  }
}

/** Runs `command`, mapping user mistakes to one line each and their exit code. */
export function runCommand(command: Command, args: readonly string[], io: CliOutput): number {
  try {
    return command.run(args, io);
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    for (const problem of error.problems) io.err(`error: ${problem}`);
    return error.exitCode;
  }
}
