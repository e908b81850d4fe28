/**
 * DNS names as Kubernetes checks them (apimachinery `IsDNS1123Label`, `IsDNS1123Subdomain`):
 * labels of at most 63 characters, subdomains of at most 253 in total, lower-case alphanumerics
 * and '-', each label starting and ending alphanumeric.
 */

export const MAX_LABEL_LENGTH = 63;
export const MAX_SUBDOMAIN_LENGTH = 253;
/** One DNS-1123 label, length aside. */
export const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** Dot-separated DNS-1123 labels, lengths aside (the API server limits object names to 253 in all, not per label). */
export const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL = DNS1123_LABEL;

/** Whether `name` is a DNS-1123 label (at most 63 characters). */
export function isDnsLabel(name: string): boolean {
  return name.length <= MAX_LABEL_LENGTH && LABEL.test(name);
}

/** Whether `name` is a host name: dot-separated DNS-1123 labels of at most 63 characters each, at most 253 in all. */
export function isDnsSubdomain(name: string): boolean {
  return name.length <= MAX_SUBDOMAIN_LENGTH && name.split('.').every(isDnsLabel);
}
