import { loadEnvironments } from './lib/synth/select-environments';
import { renderManifest } from './lib/render/manifest';
import { synthesizeEnvironment } from './lib/constructs/synthesize-environment';

// Drift guard: one snapshot per configured environment. Intent is asserted in test/*.test.ts.
describe.each(loadEnvironments().map((env) => [env.suffix, env] as const))('environment %s', (_suffix, env) => {
  test('manifest matches the snapshot', () => {
    expect(renderManifest(synthesizeEnvironment(env))).toMatchSnapshot();
  });
});
