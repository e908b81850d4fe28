/** Entry point of `npm run reachability`; see lib/reachability/cli.ts. */
import { runReachabilityCli } from '../checks/reachability/cli';
import { loadEnvironments, synthesizeEnvironment } from '../synth/synthesize';
import { PAYMENT_SYSTEM } from '../model/system';

const io = {
  out: (line: string): void => { process.stdout.write(`${line}\n`); },
  err: (line: string): void => { process.stderr.write(`${line}\n`); },
};
process.exitCode = runReachabilityCli(process.argv.slice(2), io, {
  system: PAYMENT_SYSTEM,
  loadEnvironments,
  synthesizeEnvironment,
});
