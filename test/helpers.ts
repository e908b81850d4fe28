import { EnvironmentConfig, resolveEnvironment } from '../lib/model/environment';
import { KubeObject } from '../lib/manifest/kube-object';
import { PAYMENT_SYSTEM } from '../lib/model/system';

/** The one object of `kind` named `name`; fails the test when absent or ambiguous. */
export function find(objects: readonly KubeObject[], kind: string, name: string): KubeObject & Record<string, any> {
  const matches = objects.filter((o) => o.kind === kind && o.metadata.name === name);
  if (matches.length !== 1) throw new Error(`expected exactly one ${kind}/${name}, found ${matches.length}`);
  return matches[0];
}

export function ofKind(objects: readonly KubeObject[], kind: string): Array<KubeObject & Record<string, any>> {
  return objects.filter((o) => o.kind === kind);
}

/** A valid ad-hoc environment with the specification's defaults. */
export function testEnvironment(suffix: string, overrides: Record<string, unknown> = {}): EnvironmentConfig {
  const images = Object.fromEntries(PAYMENT_SYSTEM.services.map((s) => [s.name, `123456789012.dkr.ecr.us-east-1.amazonaws.com/${s.name}:1.0.0`]));
  return resolveEnvironment({ suffix, images, ...overrides }, PAYMENT_SYSTEM);
}
