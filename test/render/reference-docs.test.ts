/** The generated reference documents are fresh and say what the data says. */
import { readFileSync } from 'fs';
import * as path from 'path';
import { RULES } from '../../lib/checks/lint';
import { referenceDocs } from '../../lib/cli/docs';
import { configReference } from '../../lib/model/environment';
import { PAYMENT_SYSTEM } from '../../lib/model/system';
import { renderConfigurationDoc, renderLintRulesDoc } from '../../lib/render/reference-docs';

const ROOT = path.resolve(__dirname, '..', '..');

test.each(referenceDocs().map((d) => [d.path, d.content] as const))('%s is fresh (otherwise: npm run docs, and commit)', (file, content) => {
  expect(readFileSync(path.join(ROOT, file), 'utf8')).toBe(content);
});

test('every rule appears once with its rationale and remediation', () => {
  const doc = renderLintRulesDoc(RULES);
  for (const rule of RULES) {
    expect(doc.split('\n').filter((l) => l.startsWith(`| \`${rule.id}\` |`))).toEqual([`| \`${rule.id}\` | ${rule.rationale} | ${rule.remediation.replace(/\|/g, '\\|')} |`]);
  }
});

test('every config key, every dependency variable and every credential key is documented', () => {
  const doc = renderConfigurationDoc(PAYMENT_SYSTEM);
  const { environment, gitops, adHoc } = configReference();
  for (const key of [...environment, ...gitops, ...adHoc]) expect(doc).toContain(`| \`${key.key}\` |`);
  for (const variable of ['PAYMENTS_DB_HOST', 'PAYMENTS_DB_CIDRS', 'NOTIFICATION_PROVIDER_HOST', 'PAYMENT_API_IMAGE']) expect(doc).toContain(`| \`${variable}\` |`);
  expect(doc).toContain('| `payment-api` | `microservices/<suffix>/payment-api` | `PAYMENTS_DB_USERNAME` (payments-db), `PAYMENTS_DB_PASSWORD` (payments-db) |');
  expect(doc).toContain('| `fraud-detector` | `microservices/<suffix>/fraud-detector` | none declared |');
});
