/**
 * Scaling probe for `npm run bench`, run as a child process through `node scripts/run.js`:
 *
 *   scaling.ts envs <N>       synthesize, render, validate and prove reachability for N ad-hoc
 *                             environments, as `npm run synth` does (copies of dev
 *                             with suffixes b0001, b0002, ...) in this one process
 *   scaling.ts graph <S>      one environment of a generated system of S services (a call chain
 *                             plus seeded random edges)
 *
 * Prints one JSON line (`ScalingResult`) on stdout. Timings are in-process (no Node start-up,
 * no module loading) and taken after a warm-up, so that JIT warm-up does not inflate the small
 * runs and hide superlinear growth in the linearity ratio.
 */
import { EnvironmentConfig, resolveEnvironment } from '../../lib/model/environment';
import { ENVIRONMENTS } from '../../lib/model/environments';
import { checkSystemDeclaration, PAYMENT_SYSTEM, SystemDeclaration } from '../../lib/model/system';
import { proveReachability } from '../../lib/checks/reachability';
import { validateManifests } from '../../lib/checks/validation';
import { loadEnvironments } from '../../lib/synth/select-environments';
import { renderManifest } from '../../lib/render/manifest';
import { synthesizeEnvironment } from '../../lib/constructs/synthesize-environment';

/** What the bench reads back from one probe run. */
interface ScalingResult {
  readonly mode: 'envs' | 'graph';
  /** Environments (envs mode) or services (graph mode). */
  readonly n: number;
  /** Objects synthesized in the timed part. */
  readonly objects: number;
  /** Declared calls of the system (graph mode shows the generated edges). */
  readonly calls: number;
  /** Environments built before timing. */
  readonly warmUpEnvs: number;
  /** Validation problems plus failed reachability proofs (expected 0). */
  readonly problems: number;
  /** Milliseconds per stage over the timed part. */
  readonly ms: { readonly total: number; readonly synth: number; readonly render: number; readonly validate: number; readonly prove: number };
}

interface Totals { synth: number; render: number; validate: number; prove: number; objects: number; problems: number }

function buildOne(env: EnvironmentConfig, system: SystemDeclaration, into: Totals): void {
  const t0 = performance.now();
  const objects = synthesizeEnvironment(env, system);
  const t1 = performance.now();
  renderManifest(objects);
  const t2 = performance.now();
  const problems = validateManifests(objects).length;
  const t3 = performance.now();
  const proof = proveReachability(objects, system, env);
  const t4 = performance.now();
  into.synth += t1 - t0;
  into.render += t2 - t1;
  into.validate += t3 - t2;
  into.prove += t4 - t3;
  into.objects += objects.length;
  into.problems += problems + (proof.holds ? 0 : 1);
}

function emptyTotals(): Totals {
  return { synth: 0, render: 0, validate: 0, prove: 0, objects: 0, problems: 0 };
}

function devEnvironment(): EnvironmentConfig {
  const dev = loadEnvironments().find((e) => e.suffix === 'dev');
  if (!dev) throw new Error('no "dev" environment in lib/environments.ts to copy');
  return dev;
}

const suffix = (prefix: string, i: number): string => `${prefix}${String(i + 1).padStart(4, '0')}`;

/** Environments built before timing, not counted: per-environment cost settles after about 8. */
const WARM_UP_ENVS = 10;

/** Builds (and discards) WARM_UP_ENVS copies of dev so that the JIT has compiled the hot paths. */
function warmUp(): void {
  const dev = devEnvironment();
  const discarded = emptyTotals();
  for (let i = 0; i < WARM_UP_ENVS; i++) buildOne({ ...dev, suffix: suffix('w', i) }, PAYMENT_SYSTEM, discarded);
}

function scaleEnvironments(n: number): ScalingResult {
  const dev = devEnvironment();
  warmUp();
  const totals = emptyTotals();
  const start = performance.now();
  for (let i = 0; i < n; i++) buildOne({ ...dev, suffix: suffix('b', i) }, PAYMENT_SYSTEM, totals);
  return result('envs', n, PAYMENT_SYSTEM.calls.length, performance.now() - start, totals);
}

/** xorshift32: a small deterministic generator, so every run builds the same graph. */
function randomGenerator(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 2 ** 32;
  };
}

const GRAPH_SEED = 20240611;

/**
 * S services `svc-01`..: a chain svc-01 -> svc-02 -> ... plus about S forward edges chosen at
 * random (forward only, so no self-calls; duplicates dropped). The gateway routes to svc-01.
 */
function generatedSystem(size: number): SystemDeclaration {
  const names = Array.from({ length: size }, (_, i) => `svc-${String(i + 1).padStart(2, '0')}`);
  const edges = new Set<string>();
  for (let i = 0; i + 1 < size; i++) edges.add(`${names[i]} ${names[i + 1]}`);
  const random = randomGenerator(GRAPH_SEED);
  for (let k = 0; k < size && size > 2; k++) {
    const from = Math.floor(random() * (size - 1));
    const to = from + 1 + Math.floor(random() * (size - 1 - from));
    edges.add(`${names[from]} ${names[to]}`);
  }
  const system: SystemDeclaration = {
    name: 'bench-system',
    services: names.map((name) => ({ name, description: `generated service ${name}` })),
    calls: [...edges].map((e) => {
      const [from, to] = e.split(' ');
      return { from, to };
    }),
    ingress: [{ service: names[0], pathPrefix: `/api/${names[0]}`, methods: ['GET', 'POST'] }],
    // The payment system's dependencies, called by the first and the last service.
    dependencies: PAYMENT_SYSTEM.dependencies.map((d, i) => ({ ...d, callers: [i === 0 ? names[0] : names[size - 1]] })),
  };
  const problems = checkSystemDeclaration(system);
  if (problems.length > 0) throw new Error(`generated system is invalid: ${problems.join('; ')}`);
  return system;
}

function scaleGraph(size: number): ScalingResult {
  const system = generatedSystem(size);
  const devInput = ENVIRONMENTS.environments.find((e) => e.suffix === 'dev');
  const images = Object.fromEntries(system.services.map((s) => [s.name, `registry.example.com/${s.name}:1.0.0`]));
  const env = resolveEnvironment({ ...devInput, suffix: 'g0001', images }, system, 'generated');

  warmUp();

  const totals = emptyTotals();
  const start = performance.now();
  buildOne(env, system, totals);
  return result('graph', size, system.calls.length, performance.now() - start, totals);
}

function result(mode: ScalingResult['mode'], n: number, calls: number, total: number, t: Totals): ScalingResult {
  const round = (ms: number) => Math.round(ms * 100) / 100;
  return {
    mode, n, calls, objects: t.objects, warmUpEnvs: WARM_UP_ENVS, problems: t.problems,
    ms: { total: round(total), synth: round(t.synth), render: round(t.render), validate: round(t.validate), prove: round(t.prove) },
  };
}

function main(argv: readonly string[]): void {
  const [mode, count] = argv;
  const n = Number(count);
  if ((mode !== 'envs' && mode !== 'graph') || !Number.isInteger(n) || n < 1) {
    process.stderr.write('usage: node scripts/run.js scripts/bench/scaling.ts envs|graph <positive integer>\n');
    process.exitCode = 2;
    return;
  }
  const res = mode === 'envs' ? scaleEnvironments(n) : scaleGraph(n);
  process.stdout.write(`${JSON.stringify(res)}\n`);
}

main(process.argv.slice(2));
