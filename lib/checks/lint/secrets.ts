/**
 * Telling secret-looking configuration apart from ordinary configuration, for the rules that keep
 * secrets out of env literals and ConfigMaps.
 */

/** Names that usually hold a credential. */
const SECRET_NAME = /PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIAL/i;
/**
 * Names that point at a secret rather than hold it (`DB_PASSWORD_FILE=/run/secrets/db` is the
 * recommended pattern, and `TOKEN_URL` is an endpoint).
 */
const REFERENCE_NAME = /_(FILE|PATH|DIR|NAME|REF|URL|ARN)$/i;
/** `scheme://user:password@host`: credentials embedded in a connection URL. */
const URL_WITH_CREDENTIALS = /^[a-z][a-z0-9+.-]*:\/\/[^/@\s:]+:[^/@\s]+@/i;

/**
 * Why a literal `name=value` pair looks like it carries a secret (for the message), or undefined.
 * Empty values never do.
 */
export function looksSecret(name: string, value: string): string | undefined {
  if (value === '') return undefined;
  if (SECRET_NAME.test(name) && !REFERENCE_NAME.test(name)) return 'has a secret-looking name';
  if (URL_WITH_CREDENTIALS.test(value)) return 'embeds credentials in a URL';
  return undefined;
}
