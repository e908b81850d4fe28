/**
 * The platforms manifests are validated for. A target names a Kubernetes minor and an Istio
 * minor; each supported minor maps to the pinned release whose schemas imports/schemas/ holds.
 * Every target also includes cert-manager 1.21.1 and external-secrets 1.3.2.
 *
 * Dependency-free on purpose (the table is meant to move into the model layer).
 */

/** A platform target: `{ kubernetes: '1.28', istio: '1.19' }`. */
export interface Target {
  readonly kubernetes: string;
  readonly istio: string;
}

/** A supported Kubernetes minor and the release its schemas come from. */
export interface KubernetesRelease {
  readonly minor: string;
  /** Patch release of the definitions, e.g. `1.28.0`. */
  readonly version: string;
}

/** A supported Istio minor, its release and the Kubernetes minors it supports (inclusive; `max` open when absent). */
export interface IstioRelease {
  readonly minor: string;
  readonly version: string;
  readonly kubernetes: { readonly min: string; readonly max?: string };
}

export const KUBERNETES_RELEASES: readonly KubernetesRelease[] = [
  { minor: '1.28', version: '1.28.0' },
  { minor: '1.35', version: '1.35.0' },
];

export const ISTIO_RELEASES: readonly IstioRelease[] = [
  { minor: '1.19', version: '1.19.10', kubernetes: { min: '1.25', max: '1.28' } },
  { minor: '1.30', version: '1.30.3', kubernetes: { min: '1.32' } },
];

/** Add-ons every target includes, with their pinned releases. */
export const CERT_MANAGER_VERSION = '1.21.1';
export const EXTERNAL_SECRETS_VERSION = '1.3.2';

/** The specification's target, the default everywhere a target is optional. */
export const SPECIFICATION_TARGET: Target = { kubernetes: '1.28', istio: '1.19' };
/** The current platform. */
export const CURRENT_TARGET: Target = { kubernetes: '1.35', istio: '1.30' };

/** The supported (and compatible) targets. */
export const SUPPORTED_TARGETS: readonly Target[] = [SPECIFICATION_TARGET, CURRENT_TARGET];

/** `1.9` < `1.28`: minors compare by number. */
function compareMinor(a: string, b: string): number {
  const [aMajor, aMinor] = a.split('.').map(Number);
  const [bMajor, bMinor] = b.split('.').map(Number);
  return aMajor - bMajor || aMinor - bMinor;
}

export function kubernetesRelease(minor: string): KubernetesRelease | undefined {
  return KUBERNETES_RELEASES.find((release) => release.minor === minor);
}

export function istioRelease(minor: string): IstioRelease | undefined {
  return ISTIO_RELEASES.find((release) => release.minor === minor);
}

/**
 * Why `target` cannot be validated for, one sentence each; [] when it is supported. Pure, for the
 * configuration layer and the CLI.
 */
export function checkTargetCompatibility(target: Target): string[] {
  const problems: string[] = [];
  const kubernetes = kubernetesRelease(target.kubernetes);
  const istio = istioRelease(target.istio);
  if (!kubernetes) {
    problems.push(`unsupported Kubernetes version ${JSON.stringify(target.kubernetes)}; supported: ${KUBERNETES_RELEASES.map((r) => r.minor).join(', ')}`);
  }
  if (!istio) {
    problems.push(`unsupported Istio version ${JSON.stringify(target.istio)}; supported: ${ISTIO_RELEASES.map((r) => r.minor).join(', ')}`);
  }
  if (kubernetes && istio) {
    const { min, max } = istio.kubernetes;
    if (compareMinor(kubernetes.minor, min) < 0 || (max !== undefined && compareMinor(kubernetes.minor, max) > 0)) {
      const range = max === undefined ? `${min} or later` : `${min} to ${max}`;
      problems.push(`Istio ${istio.minor} does not support Kubernetes ${kubernetes.minor}: it supports Kubernetes ${range}`);
    }
  }
  return problems;
}

/** `Kubernetes 1.28, Istio 1.19.10, cert-manager 1.21.1, external-secrets 1.3.2`, for messages. */
export function describeTarget(target: Target): string {
  const istio = istioRelease(target.istio);
  return `Kubernetes ${target.kubernetes}, Istio ${istio?.version ?? target.istio}, cert-manager ${CERT_MANAGER_VERSION}, external-secrets ${EXTERNAL_SECRETS_VERSION}`;
}

/** The Istio API groups the manifests use. */
export type IstioGroup = 'networking.istio.io' | 'security.istio.io';

/**
 * The apiVersion to emit for an Istio kind on `target`: `v1` from Istio 1.22 on (where every
 * networking and security kind we emit is served as v1 and v1beta1 is deprecated), `v1beta1`
 * before (1.19 serves networking v1alpha3/v1beta1 and security v1beta1).
 */
export function istioApiVersion(target: Target, group: IstioGroup): string {
  const [, minor] = target.istio.split('.').map(Number);
  return `${group}/${minor >= 22 ? 'v1' : 'v1beta1'}`;
}

/** Short form for messages and file names: `k8s-1.28+istio-1.19`. */
export function targetName(target: Target): string {
  return `Kubernetes ${target.kubernetes} with Istio ${target.istio}`;
}
