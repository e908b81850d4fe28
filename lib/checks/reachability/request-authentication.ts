/**
 * Istio RequestAuthentication (security.istio.io v1beta1/v1): which end-user tokens a workload's
 * proxy accepts, and the request principal (`<iss>/<sub>`) a valid one gives the request.
 *
 * As Istio configures Envoy's jwt_authn filter (every rule of the applicable policies as one
 * provider, OR-ed with "allow missing"): a request without a token passes without a principal; a
 * token that a rule accepts (its issuer, and one of its audiences when it lists any) gives the
 * principal; any other token (a wrong issuer, audience or signature) is refused with 401. Policies
 * of the workload's namespace and of the root namespace apply, selected by `selector.matchLabels`
 * (none = every workload). Tokens are HTTP headers: plain TCP carries none.
 *
 * Token location (`fromHeaders`, `fromParams`, `fromCookies`) changes what counts as "a token" and
 * is rejected rather than guessed; signatures are assumed valid for the issuer they claim (the
 * model asks "which issuer", not "which key").
 */
import {
  ManifestInputError, optionalArrayAt, optionalStringMapAt, optionalStringsAt, recordAt, rejectUnsupportedKeys, stringAt,
} from '../../manifest/fields';
import { KubeObject, objectRef } from '../../manifest/kube-object';
import { matchesLabelMap } from '../../manifest/label-selector';
import { ISTIO_NAMESPACE } from '../../model/cluster';
import { Endpoint } from './types';

/** One accepted issuer. */
export interface JwtRule {
  readonly issuer: string;
  /** Empty: any audience. */
  readonly audiences: readonly string[];
}

/** A parsed RequestAuthentication. */
export interface RequestAuthentication {
  readonly name: string;
  readonly namespace: string;
  readonly selector?: Readonly<Record<string, string>>;
  readonly rules: readonly JwtRule[];
}

/** A token an end user presents: who issued it and for whom. */
export interface EndUserToken {
  readonly issuer: string;
  readonly audience: string;
}

/** The subject every modelled token carries. */
export const TOKEN_SUBJECT = 'end-user';

const RULE_KEYS = ['issuer', 'audiences', 'jwksUri', 'jwks', 'forwardOriginalToken', 'outputPayloadToHeader', 'outputClaimToHeaders', 'timeout'];

/** Parses one RequestAuthentication; throws `ManifestInputError` on what the model cannot evaluate. */
export function parseRequestAuthentication(obj: KubeObject): RequestAuthentication {
  const ref = objectRef(obj);
  const namespace = obj.metadata.namespace;
  if (namespace === undefined) throw new ManifestInputError(ref, 'metadata.namespace is missing; a RequestAuthentication is namespaced');
  const spec = recordAt(obj.spec ?? {}, `${ref} spec`);
  rejectUnsupportedKeys(spec, ['selector', 'jwtRules'], `${ref} spec`);
  let selector: Record<string, string> | undefined;
  if (spec.selector != null) {
    const s = recordAt(spec.selector, `${ref} spec.selector`);
    rejectUnsupportedKeys(s, ['matchLabels'], `${ref} spec.selector`);
    selector = optionalStringMapAt(s.matchLabels, `${ref} spec.selector.matchLabels`);
  }
  const rules = (optionalArrayAt(spec.jwtRules, `${ref} spec.jwtRules`) ?? []).map((raw, i): JwtRule => {
    const at = `${ref} spec.jwtRules[${i}]`;
    const rule = recordAt(raw, at);
    rejectUnsupportedKeys(rule, RULE_KEYS, at);
    return { issuer: stringAt(rule.issuer, `${at}.issuer`), audiences: optionalStringsAt(rule.audiences, `${at}.audiences`) ?? [] };
  });
  return { name: obj.metadata.name, namespace, selector, rules };
}

/** Every RequestAuthentication among `objects`, parsed. */
export function requestAuthenticationsOf(objects: readonly KubeObject[]): RequestAuthentication[] {
  return objects
    .filter((o) => o.kind === 'RequestAuthentication' && /^security\.istio\.io\/v1(beta1)?$/.test(o.apiVersion))
    .map(parseRequestAuthentication);
}

/** The jwt rules that apply at `to`'s proxy. */
export function jwtRulesAt(policies: readonly RequestAuthentication[], to: Endpoint): JwtRule[] {
  return policies
    .filter((p) => (p.namespace === to.namespace || p.namespace === ISTIO_NAMESPACE) && matchesLabelMap(p.selector ?? {}, to.labels))
    .flatMap((p) => p.rules);
}

/** What authentication makes of a request: its principal, or a 401. */
export type AuthenticationOutcome = { readonly ok: true; readonly requestPrincipal?: string } | { readonly ok: false; readonly reason: string };

/** Authenticates an HTTP request carrying `token` (or none) against the `rules` that apply. */
export function authenticate(rules: readonly JwtRule[], token: EndUserToken | undefined): AuthenticationOutcome {
  if (token === undefined) return { ok: true };
  if (rules.length === 0) return { ok: true }; // no jwt_authn filter: the header is just a header
  const accepted = rules.some((r) => r.issuer === token.issuer && (r.audiences.length === 0 || r.audiences.includes(token.audience)));
  return accepted
    ? { ok: true, requestPrincipal: `${token.issuer}/${TOKEN_SUBJECT}` }
    : { ok: false, reason: `401: no jwtRule accepts a token from ${token.issuer} for ${token.audience}` };
}

/** Tokens worth trying at a proxy with `rules`: none, a valid one per rule, and one from an issuer nobody trusts. */
export function candidateTokens(rules: readonly JwtRule[]): (EndUserToken | undefined)[] {
  return [undefined, ...rules.map((r) => ({ issuer: r.issuer, audience: r.audiences[0] ?? 'any' })), { issuer: UNTRUSTED_ISSUER, audience: 'any' }];
}

/** An issuer no policy names. */
export const UNTRUSTED_ISSUER = 'https://untrusted-issuer.invalid/';
