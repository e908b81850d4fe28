/**
 * `npm run validate -- <file.k8s.yaml ...>`: strict validation of manifest files against the
 * target cluster. Prints each problem as `file: Kind/name: path: message` and exits 1; exits 0 with
 * a one-line summary when everything is valid.
 */
import { runValidateCli } from '../validation/cli';
import { Command } from './command';

export const VALIDATE: Command = {
  name: 'validate',
  usage: 'npm run validate -- <file.k8s.yaml> [more files...]',
  run: (args, io) => runValidateCli(args, io),
};
