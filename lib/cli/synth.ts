/**
 * `npm run synth`: builds, checks and writes every configured environment, or the one named by
 * `ENVIRONMENT_SUFFIX` (see lib/synth/select-environments.ts); prints which files changed.
 */
import { runSynth } from '../synth/run';
import { OUTDIR_VARIABLE } from '../synth/select-environments';
import { Command, UsageError } from './command';

const USAGE = 'npm run synth (ENVIRONMENT_SUFFIX and the image variables select one environment)';

export const SYNTH: Command = {
  name: 'synth',
  usage: USAGE,
  run(args, io) {
    if (args.length > 0) throw new UsageError(`unexpected argument "${args[0]}"`, USAGE);
    const { written, removed, unchanged } = runSynth({ root: process.cwd(), vars: process.env, manifestDir: process.env[OUTDIR_VARIABLE] });
    const lines = [...written.map((f) => `wrote ${f}`), ...removed.map((f) => `removed ${f}`)];
    if (unchanged.length > 0) lines.push(`${unchanged.length} ${unchanged.length === 1 ? 'file was' : 'files were'} already up to date`);
    lines.forEach((line) => io.out(line));
    return 0;
  },
};
