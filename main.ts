/**
 * The entry point: `npm run synth` (and `cdk8s synth`) runs it without arguments to build every
 * configured environment; `npm run validate|reachability|lint:k8s` run it with a command name.
 * The commands live in lib/cli/.
 */
import { main, PROCESS_OUTPUT } from './lib/cli';

void main(process.argv.slice(2), PROCESS_OUTPUT).then((code) => { process.exitCode = code; });
