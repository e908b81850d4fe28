/**
 * The commands of `main.ts`, loaded on demand so that `validate` never loads cdk8s and `synth`
 * never loads the lint rules: `main.ts [<command>] [args...]`, `synth` when no command is named
 * (the cdk8s CLI runs `main.ts` without arguments).
 */
import { CliOutput, Command, runCommand } from './command';

const COMMANDS: Readonly<Record<string, () => Promise<Command>>> = {
  synth: async () => (await import('./synth')).SYNTH,
  validate: async () => (await import('./validate')).VALIDATE,
  reachability: async () => (await import('./reachability')).REACHABILITY,
  'lint-k8s': async () => (await import('./lint-k8s')).LINT_K8S,
  'upgrade-check': async () => (await import('./upgrade-check')).UPGRADE_CHECK,
  docs: async () => (await import('./docs')).DOCS,
};

/** Runs the command `argv` names (default `synth`) and returns its exit code. */
export async function main(argv: readonly string[], io: CliOutput): Promise<number> {
  const [first, ...rest] = argv;
  const named = first !== undefined && Object.hasOwn(COMMANDS, first);
  if (first !== undefined && !named && !first.startsWith('-')) {
    io.err(`error: unknown command "${first}"; commands: ${Object.keys(COMMANDS).join(', ')}`);
    return 2;
  }
  const command = await COMMANDS[named ? first : 'synth']();
  return runCommand(command, named ? rest : argv, io);
}

/** stdout and stderr, one line per call. */
export const PROCESS_OUTPUT: CliOutput = {
  out: (line) => { process.stdout.write(`${line}\n`); },
  err: (line) => { process.stderr.write(`${line}\n`); },
};
