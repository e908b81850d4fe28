import { EnvironmentConfig, resolveEnvironment } from '../lib/model/environment';
import { KubeObject } from '../lib/manifest/kube-object';
import { ENVIRONMENTS } from '../lib/model/environments';
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

/** Images of every service, tagged. */
export const TEST_IMAGES: Readonly<Record<string, string>> = Object.fromEntries(PAYMENT_SYSTEM.services.map((s) => [s.name, `123456789012.dkr.ecr.us-east-1.amazonaws.com/${s.name}:1.0.0`]));

/** Where the payment system's dependencies live in test environments (the ad-hoc defaults). */
export const TEST_DEPENDENCIES = ENVIRONMENTS.adHoc.dependencies;

/** A production-like edge: host, TLS from cert-manager, end-user JWT. */
export const TEST_EDGE = {
  gatewayHost: 'payments.test.example.com',
  tls: { clusterIssuer: 'letsencrypt-test' },
  jwt: { issuer: 'https://auth.test.example.com/', jwksUri: 'https://auth.test.example.com/jwks.json', audiences: ['payments-api'] },
} as const;

/** A valid environment with the specification's defaults: plain HTTP at the edge unless `overrides` give one. */
export function testEnvironment(suffix: string, overrides: Record<string, unknown> = {}): EnvironmentConfig {
  return resolveEnvironment({ suffix, images: TEST_IMAGES, dependencies: TEST_DEPENDENCIES, allowPlainHttp: true, ...overrides }, PAYMENT_SYSTEM);
}
