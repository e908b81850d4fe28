import { loadEnvironments, renderManifest, synthesizeEnvironment } from './lib/synth/synthesize';

// Drift guard: one snapshot per configured environment. Intent is asserted in test/*.test.ts.
describe.each(loadEnvironments().map((env) => [env.suffix, env] as const))('environment %s', (_suffix, env) => {
  test('manifest matches the snapshot', () => {
    expect(renderManifest(synthesizeEnvironment(env))).toMatchSnapshot();
  });
});
