/**
 * One `npm run synth`: select environments, build and check every file in memory (schema
 * validation and the reachability proof), then write them all or nothing. User mistakes and failed
 * checks become `ConfigError` (exit 2) or `CheckFailure` (exit 1): one line each, no stack trace.
 */
import { allowedEdges, renderDiagram } from '../render/diagram';
import { EnvironmentConfig, EnvironmentsFile } from '../model/environment';
import { ENVIRONMENTS } from '../model/environments';
import { OutputFile, WriteSummary, writeOutputFiles } from './file-writer';
import { renderArgoApplication } from '../render/argocd';
import { OUTPUT_FOLDERS } from '../model/output-layout';
import { connectionKey, proveReachability } from '../checks/reachability';
import { PAYMENT_SYSTEM, SystemDeclaration } from '../model/system';
import { formatProblem, validateManifests } from '../checks/validation';
import { CheckFailure, ConfigError } from '../model/errors';
import { SUFFIX_VARIABLE, selectEnvironments } from './select-environments';
import { resolveManifestDir } from './output-dir';
import { LockOptions } from './lock';
import { renderManifest } from '../render/manifest';
import { stackOutputs } from '../render/outputs';
import { synthesizeEnvironment } from '../constructs/synthesize-environment';

export interface SynthOptions {
  /** Project root the output folders are relative to. */
  readonly root: string;
  /** Process environment (ENVIRONMENT_SUFFIX and the image variables). */
  readonly vars: Readonly<Record<string, string | undefined>>;
  /** Manifest folder; the cdk8s CLI passes its output folder as CDK8S_OUTDIR. @default 'dist' */
  readonly manifestDir?: string;
  /** @default the checked-in environments */
  readonly environments?: EnvironmentsFile;
  /** @default the payment system */
  readonly system?: SystemDeclaration;
}

/** Every file of one environment, or the problems that stop it from being written. */
function environmentFiles(env: EnvironmentConfig, file: EnvironmentsFile, system: SystemDeclaration, manifestDir: string) {
  const objects = synthesizeEnvironment(env, system);
  const manifestPath = `${manifestDir}/${env.suffix}.k8s.yaml`;
  const problems = validateManifests(objects, env.target).map((p) => formatProblem(p, manifestPath));
  const proof = proveReachability(objects, system, env);
  const failures = [
    ['declared but denied', proof.missing],
    ['allowed but not declared', proof.extra],
    ['allowed by the NetworkPolicies alone (only Istio authorization stops it)', proof.networkPolicyExtra],
  ] as const;
  for (const [verdict, connections] of failures) {
    problems.push(...connections.map((c) => `${manifestPath}: reachability: ${connectionKey(c)} is ${verdict}`));
  }
  problems.push(...proof.edge.problems.map((p) => `${manifestPath}: edge: ${p}`));
  const files: OutputFile[] = [
    { path: manifestPath, content: renderManifest(objects) },
    { path: `${OUTPUT_FOLDERS.outputs.dir}/${env.suffix}.json`, content: `${JSON.stringify(stackOutputs(env, system), null, 2)}\n` },
    { path: `${OUTPUT_FOLDERS.argocd.dir}/${env.suffix}.yaml`, content: renderArgoApplication(env, file.gitops, system) },
    {
      path: `${OUTPUT_FOLDERS.diagrams.dir}/${env.suffix}.md`,
      content: renderDiagram({ system, environment: env, edges: allowedEdges(proof.results), infrastructure: proof.model.infrastructure, edgeResults: proof.edge.results }),
    },
  ];
  return { files, problems };
}

/** Builds every file of the selected environments, checked; throws `ConfigError` or `CheckFailure` on any problem. */
export function buildOutputFiles(options: SynthOptions): { files: OutputFile[]; complete: boolean } {
  const system = options.system ?? PAYMENT_SYSTEM;
  const file = options.environments ?? ENVIRONMENTS;
  const manifestDir = options.manifestDir ?? OUTPUT_FOLDERS.manifests.dir;
  const selection = selectEnvironments(options.vars, file, system);
  const built = selection.environments.map((env) => environmentFiles(env, file, system, manifestDir));
  const problems = built.flatMap((b) => b.problems);
  if (problems.length > 0) throw new CheckFailure(['synthesized manifests failed their checks; nothing was written', ...problems]);
  return { files: built.flatMap((b) => b.files), complete: selection.complete };
}

/** What `runSynth` takes beyond what is built: how long to wait for another synth's commit. */
export interface RunSynthOptions extends SynthOptions {
  readonly lock?: LockOptions;
}

/**
 * Validates the manifest folder (CDK8S_OUTDIR, see lib/synth/output-dir.ts), builds, checks and
 * writes (all or nothing, see lib/synth/file-writer.ts); says which files changed.
 */
export function runSynth(options: RunSynthOptions): WriteSummary {
  const outdir = resolveManifestDir(options.manifestDir, options.root, options.vars);
  if (outdir.problems.length > 0) {
    // Report the variables' other problems with it, as one list; nothing is built.
    let others: readonly string[] = [];
    try {
      selectEnvironments(options.vars, options.environments ?? ENVIRONMENTS, options.system ?? PAYMENT_SYSTEM);
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      others = e.problems;
    }
    throw new ConfigError([...others, ...outdir.problems]);
  }
  const { files, complete } = buildOutputFiles({ ...options, manifestDir: outdir.dir });
  const manifests = { ...OUTPUT_FOLDERS.manifests, dir: outdir.dir };
  const folders = [manifests, OUTPUT_FOLDERS.outputs, OUTPUT_FOLDERS.argocd, OUTPUT_FOLDERS.diagrams];
  const suffix = options.vars[SUFFIX_VARIABLE];
  const purpose = complete ? 'full synth' : `synth of ${SUFFIX_VARIABLE}=${suffix ?? ''}`;
  return writeOutputFiles(options.root, files, { folders, complete, purpose, ...(options.lock ? { lock: options.lock } : {}) });
}
