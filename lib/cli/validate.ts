/**
 * Entry point of `npm run validate -- <file.k8s.yaml ...>`; see `lib/validation/cli.ts`.
 */
import { runValidateCli } from '../validation/cli';

process.exitCode = runValidateCli(process.argv.slice(2), {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
});
