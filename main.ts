/**
 * Entry point: `npm run synth` (and `cdk8s synth`) builds every configured environment, or the one
 * named by ENVIRONMENT_SUFFIX, and writes dist/<suffix>.k8s.yaml and outputs/<suffix>.json.
 */
import { ConfigError } from './lib/model/environment';
import { runSynth } from './lib/synth/run';

try {
  const { written, removed, unchanged } = runSynth({ root: process.cwd(), vars: process.env, manifestDir: process.env.CDK8S_OUTDIR });
  const lines = [...written.map((f) => `wrote ${f}`), ...removed.map((f) => `removed ${f}`)];
  if (unchanged.length > 0) lines.push(`${unchanged.length} ${unchanged.length === 1 ? 'file was' : 'files were'} already up to date`);
  process.stdout.write(`${lines.join('\n')}\n`);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`${error.problems.map((p) => `error: ${p}`).join('\n')}\n`);
  process.exitCode = 1;
}
