/**
 * Mistakes in what a user gave us (configuration, environment variables, files, command lines).
 * They are reported as one line per problem, never as a stack trace; anything else that is thrown
 * is a bug and keeps its stack.
 */

/** A user mistake; `exitCode` is what a command exits with (see `lib/cli/command.ts`). */
export class UserError extends Error {
  constructor(
    /** One line each, naming the value and what is expected. */
    public readonly problems: readonly string[],
    /** 1: what was checked is wrong; 2: the input cannot be used at all. */
    public readonly exitCode: 1 | 2 = 2,
  ) {
    super(problems.join('\n'));
    this.name = new.target.name;
  }
}

/** Configuration or variables that cannot be used: nothing is built or written. */
export class ConfigError extends UserError {}

/** Output that fails its checks (schema validation, the reachability proof): nothing is written; exit 1. */
export class CheckFailure extends UserError {
  constructor(problems: readonly string[]) {
    super(problems, 1);
  }
}
