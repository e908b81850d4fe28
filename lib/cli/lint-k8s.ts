/**
 * Entry point of `npm run lint:k8s [-- <file.k8s.yaml ...>]`; see `lib/lint/cli.ts`.
 */
import { runLintCli } from '../checks/lint/cli';

process.exitCode = runLintCli(process.argv.slice(2), {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
});
