/**
 * Labels: Kubernetes' recommended `app.kubernetes.io/*` labels plus the `app` and `version` labels
 * Istio uses for telemetry. Pure functions so selectors and policies derive from one place.
 */
import { Naming } from './naming';
import { parseImageReference } from './image-reference';

export type Labels = Record<string, string>;

/** Labels that pick exactly one service's pods of one environment; used by every selector. */
export function selectorLabels(naming: Naming, service: string): Labels {
  return {
    'app.kubernetes.io/name': service,
    'app.kubernetes.io/instance': naming.deployment(service),
  };
}

/** Labels every object of the system carries. */
export function commonLabels(systemName: string): Labels {
  return {
    'app.kubernetes.io/part-of': systemName,
    'app.kubernetes.io/managed-by': 'cdk8s',
  };
}

/** Labels of one service's objects (not its pods, which also carry the version). */
export function serviceLabels(naming: Naming, systemName: string, service: string): Labels {
  return { ...selectorLabels(naming, service), app: service, ...commonLabels(systemName) };
}

/** Labels of one service's pods: service labels plus the image version for Istio telemetry. */
export function podLabels(naming: Naming, systemName: string, service: string, image: string): Labels {
  const version = imageVersion(image);
  return {
    ...serviceLabels(naming, systemName, service),
    'app.kubernetes.io/version': version,
    version,
  };
}

/**
 * A label-safe version for an image: its tag, else `sha256-<first 12 hex of the digest>`, else
 * `latest` for an untagged reference (which is what the runtime pulls).
 */
function imageVersion(image: string): string {
  const parsed = parseImageReference(image);
  if (parsed?.tag) return sanitizeLabelValue(parsed.tag);
  if (parsed?.digest) return `sha256-${parsed.digest.slice('sha256:'.length, 'sha256:'.length + 12)}`;
  return 'latest';
}

/** Label values: at most 63 of [A-Za-z0-9_.-], starting and ending alphanumeric. */
function sanitizeLabelValue(value: string): string {
  const cleaned = value.replace(/[^A-Za-z0-9_.-]/g, '-').slice(0, 63);
  return cleaned.replace(/^[^A-Za-z0-9]+/, '').replace(/[^A-Za-z0-9]+$/, '') || 'unknown';
}
