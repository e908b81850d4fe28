/**
 * Container image references as the distribution reference grammar defines them: an optional
 * registry (a host with a dot or a port, or localhost), a lower-case repository path, then `:tag`
 * and/or `@sha256:<64 hex digits>`.
 */

const DOMAIN_PART = '[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?';
const REGISTRY = `(?:(?:localhost|${DOMAIN_PART}(?:\\.${DOMAIN_PART})+)(?::[0-9]+)?|${DOMAIN_PART}:[0-9]+)\\/`;
const IMAGE_REFERENCE = new RegExp(
  `^(?:${REGISTRY})?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::([\\w][\\w.-]{0,127}))?(?:@(sha256:[a-f0-9]{64}))?$`,
);
/** The reference grammar's limit on the whole name. */
const MAX_LENGTH = 255;

/** Parsed parts of an image reference, or undefined when it does not parse. */
export function parseImageReference(ref: string): { tag?: string; digest?: string } | undefined {
  if (ref.length > MAX_LENGTH) return undefined;
  const m = IMAGE_REFERENCE.exec(ref);
  return m ? { tag: m[1], digest: m[2] } : undefined;
}

/** True when the reference pins content: a digest, or a tag other than `latest`. */
export function isImmutableImageReference(ref: string): boolean {
  const parsed = parseImageReference(ref);
  if (!parsed) return false;
  return parsed.digest !== undefined || (parsed.tag !== undefined && parsed.tag !== 'latest');
}
