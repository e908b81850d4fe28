/** Reading the manifest files a command is given: the one place commands touch input files. */
import { readFileSync } from 'node:fs';
import { ManifestInputError } from '../manifest/fields';
import { readManifests } from '../manifest/yaml-reader';

/** The objects of one manifest file; throws `ManifestInputError` (one line) when it cannot be read or parsed. */
export function readManifestFile(path: string): unknown[] {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    throw new ManifestInputError(path, `cannot read: ${code ?? message}`);
  }
  return readManifests(bytes, path);
}
