/**
 * `npm run synth`: builds, checks and writes every configured environment, or the one named by
 * `ENVIRONMENT_SUFFIX` (see lib/synth/select-environments.ts); prints which files changed.
 * `npm run synth -- --recover` only finishes or undoes an interrupted synth's commit (see
 * lib/synth/file-writer.ts) and removes what ended runs left; it builds and writes nothing else.
 */
import { RecoveryReport, WriteSummary, recoverOutputs } from '../synth/file-writer';
import type { LockAcquisition } from '../synth/lock';
import { runSynth } from '../synth/run';
import { OUTDIR_VARIABLE } from '../synth/select-environments';
import { Command, UsageError } from './command';

const USAGE = 'npm run synth [-- --recover] (ENVIRONMENT_SUFFIX and the image variables select one environment)';

/** The report lines about what happened before the commit: recovery, taking over, waiting. */
export function lockLines(recovered: RecoveryReport | undefined, lock: LockAcquisition): string[] {
  const lines: string[] = [];
  for (const pid of lock.tookOverFrom) lines.push(`took over the output lock from a synth that is no longer running (pid ${pid})`);
  if (lock.waitedMs > 0) lines.push(`waited ${lock.waitedMs} ms for another synth to finish writing`);
  if (recovered) {
    lines.push(`recovered an interrupted synth (pid ${recovered.pid}): ${recovered.action === 'completed' ? 'completed' : 'rolled back'} its commit of ${recovered.files} ${recovered.files === 1 ? 'file' : 'files'}`);
  }
  return lines;
}

/** Every report line of a synth, in order. */
export function summaryLines(summary: WriteSummary): string[] {
  const { written, removed, unchanged, leftAlone, notes } = summary;
  const lines = [
    ...lockLines(summary.recovered, summary.lock),
    ...notes,
    ...written.map((f) => `wrote ${f}`),
    ...removed.map((f) => `removed ${f}`),
    ...leftAlone.map((f) => `left alone ${f}; delete it by hand if it is stale`),
  ];
  if (unchanged.length > 0) lines.push(`${unchanged.length} ${unchanged.length === 1 ? 'file was' : 'files were'} already up to date`);
  return lines;
}

export const SYNTH: Command = {
  name: 'synth',
  usage: USAGE,
  run(args, io) {
    if (args.length === 1 && args[0] === '--recover') {
      const { recovered, lock } = recoverOutputs(process.cwd());
      const lines = lockLines(recovered, lock);
      (lines.length > 0 ? lines : ['nothing to recover']).forEach((line) => io.out(line));
      return 0;
    }
    if (args.length > 0) throw new UsageError(`unexpected argument "${args[0]}"`, USAGE);
    const summary = runSynth({ root: process.cwd(), vars: process.env, manifestDir: process.env[OUTDIR_VARIABLE] });
    summaryLines(summary).forEach((line) => io.out(line));
    return 0;
  },
};
