/**
 * DNS names as Kubernetes checks them (apimachinery `IsDNS1123Label`, `IsDNS1123Subdomain`):
 * labels of at most 63 characters, subdomains of at most 253 in total, lower-case alphanumerics
 * and '-', each label starting and ending alphanumeric.
 */

export const MAX_LABEL_LENGTH = 63;
export const MAX_SUBDOMAIN_LENGTH = 253;
const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Whether `name` is a DNS-1123 label (at most 63 characters). */
export function isDnsLabel(name: string): boolean {
  return name.length <= MAX_LABEL_LENGTH && LABEL.test(name);
}

/** Whether `name` is a DNS-1123 subdomain: dot-separated labels, at most 253 characters in all. */
export function isDnsSubdomain(name: string): boolean {
  return name.length <= MAX_SUBDOMAIN_LENGTH && name.split('.').every(isDnsLabel);
}
