/**
 * The one module of the validator that does I/O: reads a schema data file that
 * scripts/import-schemas.js generated into imports/schemas/ (committed, part of the project).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** imports/schemas/, from this folder. */
const SCHEMA_DIR = join(__dirname, '..', '..', '..', 'imports', 'schemas');

/** The text of `imports/schemas/<id>.json`, e.g. `kubernetes-1.28.0`. */
export function readSchemaFile(id: string): string {
  return readFileSync(join(SCHEMA_DIR, `${id}.json`), 'utf8');
}
