/**
 * `npm run docs`: writes the generated reference documents (docs/lint-rules.md,
 * docs/configuration.md) from the data they describe; with `--check`, writes nothing and exits 1
 * when one is stale.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RULES } from '../checks/lint';
import { PAYMENT_SYSTEM } from '../model/system';
import { renderConfigurationDoc, renderLintRulesDoc } from '../render/reference-docs';
import { Command, UsageError } from './command';

/** The generated documents, by path relative to the project root. */
export function referenceDocs(): { readonly path: string; readonly content: string }[] {
  return [
    { path: 'docs/lint-rules.md', content: renderLintRulesDoc(RULES) },
    { path: 'docs/configuration.md', content: renderConfigurationDoc(PAYMENT_SYSTEM) },
  ];
}

function current(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

export const DOCS: Command = {
  name: 'docs',
  usage: 'npm run docs [-- --check]',
  run(args, io) {
    const check = args.includes('--check');
    const unknown = args.find((a) => a !== '--check');
    if (unknown !== undefined) throw new UsageError(`unexpected argument "${unknown}"`, 'npm run docs [-- --check]');
    let stale = 0;
    for (const doc of referenceDocs()) {
      const path = join(process.cwd(), doc.path);
      if (current(path) === doc.content) continue;
      stale++;
      if (check) io.err(`${doc.path} is stale: run npm run docs`);
      else {
        writeFileSync(path, doc.content);
        io.out(`wrote ${doc.path}`);
      }
    }
    return check && stale > 0 ? 1 : 0;
  },
};
