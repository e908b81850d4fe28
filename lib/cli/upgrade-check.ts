/**
 * `npm run upgrade-check -- <suffix> --to <kubernetes>/<istio>` (or `--to current`): builds one
 * configured environment for another platform target without writing anything, and prints every
 * apiVersion that changes, every object that fails the new target's validation, what else differs
 * object by object, and whether the reachability proof still holds. Exits 1 when something fails.
 */
import { proveReachability } from '../checks/reachability';
import { formatProblem, validateManifests } from '../checks/validation';
import { synthesizeEnvironment } from '../constructs/synthesize-environment';
import { diffManifests } from '../manifest/diff';
import { KubeObject } from '../manifest/kube-object';
import { EnvironmentConfig } from '../model/environment';
import { PAYMENT_SYSTEM } from '../model/system';
import { checkTargetCompatibility, CURRENT_TARGET, SPECIFICATION_TARGET, Target, targetName } from '../model/targets';
import { loadEnvironments } from '../synth/select-environments';
import { CliOutput, Command, UsageError } from './command';

const USAGE = 'npm run upgrade-check -- <suffix> --to <kubernetes>/<istio> (e.g. --to 1.35/1.30, or --to current)';

/** `1.35/1.30`, `current` or `specification`; throws `UsageError` otherwise. */
export function parseTarget(text: string): Target {
  if (text === 'current') return CURRENT_TARGET;
  if (text === 'specification') return SPECIFICATION_TARGET;
  const match = /^(1\.\d+)\/(1\.\d+)$/.exec(text);
  if (!match) throw new UsageError(`--to "${text}" is not <kubernetes>/<istio>`, USAGE);
  const target = { kubernetes: match[1], istio: match[2] };
  const problems = checkTargetCompatibility(target);
  if (problems.length > 0) throw new UsageError(`--to ${text}: ${problems.join('; ')}`, USAGE);
  return target;
}

/** Where the command gets environments and manifests from (tests inject their own). */
export interface UpgradeCheckDeps {
  readonly loadEnvironments: () => readonly EnvironmentConfig[];
  readonly synthesizeEnvironment: (env: EnvironmentConfig) => KubeObject[];
}

const DEFAULT_DEPS: UpgradeCheckDeps = { loadEnvironments: () => loadEnvironments(), synthesizeEnvironment: (env) => synthesizeEnvironment(env) };

/** The `upgrade-check` command over `deps`. */
export function upgradeCheckCommand(deps: UpgradeCheckDeps = DEFAULT_DEPS): Command {
  return { name: 'upgrade-check', usage: USAGE, run: (args, io) => runUpgradeCheck(args, io, deps) };
}

function runUpgradeCheck(args: readonly string[], io: CliOutput, deps: UpgradeCheckDeps): number {
  const toAt = args.indexOf('--to');
  const positional = args.filter((a, i) => a !== '--to' && !(toAt >= 0 && i === toAt + 1));
  const unknown = positional.find((a) => a.startsWith('-'));
  if (unknown !== undefined) throw new UsageError(`unknown option "${unknown}"`, USAGE);
  if (toAt < 0 || args[toAt + 1] === undefined) throw new UsageError('--to <target> is required', USAGE);
  if (positional.length !== 1) throw new UsageError('name exactly one environment suffix', USAGE);
  const target = parseTarget(args[toAt + 1]);
  const environments = deps.loadEnvironments();
  const env = environments.find((e) => e.suffix === positional[0]);
  if (!env) throw new UsageError(`unknown environment "${positional[0]}"; configured: ${environments.map((e) => e.suffix).join(', ')}`, USAGE);

  const upgraded = { ...env, target };
  const before = deps.synthesizeEnvironment(env);
  const after = deps.synthesizeEnvironment(upgraded);
  const diff = diffManifests(before, after);
  const file = `dist/${env.suffix}.k8s.yaml`;
  io.out(`== ${env.suffix}: ${targetName(env.target)} -> ${targetName(target)} (nothing is written)`);

  const moved = diff.changed.filter((c) => c.apiVersion);
  io.out(`apiVersions that change: ${moved.length}`);
  for (const c of moved) io.out(`  ${c.ref}: ${c.apiVersion?.from} -> ${c.apiVersion?.to}`);

  const problems = validateManifests(after, target);
  io.out(`objects that fail validation for ${targetName(target)}: ${new Set(problems.map((p) => `${p.kind}/${p.name}`)).size}`);
  for (const p of problems) io.out(`  ${formatProblem(p, file)}`);

  const other = diff.changed.filter((c) => c.fields.length > 0);
  io.out(`other differences: ${other.length + diff.added.length + diff.removed.length} objects`);
  for (const ref of diff.added) io.out(`  added ${ref}`);
  for (const ref of diff.removed) io.out(`  removed ${ref}`);
  for (const c of other) for (const field of c.fields) io.out(`  ${c.ref}: ${field}`);

  const proof = proveReachability(after, PAYMENT_SYSTEM, upgraded);
  io.out(proof.holds
    ? `reachability proof: holds (${proof.expected.length} connections, ${proof.edge.expected.length} edge requests)`
    : `reachability proof: FAILS (${proof.missing.length} missing, ${proof.extra.length} extra, ${proof.edge.problems.length} edge problems; npm run reachability shows them)`);
  const ok = problems.length === 0 && proof.holds;
  io.out(ok ? `OK: ${env.suffix} can move to ${targetName(target)}` : `FAIL: ${env.suffix} cannot move to ${targetName(target)} as it is`);
  return ok ? 0 : 1;
}

export const UPGRADE_CHECK: Command = upgradeCheckCommand();
