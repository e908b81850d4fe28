/**
 * `npm run validate -- [--kubernetes 1.35 --istio 1.30] <file.k8s.yaml ...>`: strict validation of
 * manifest files against a target cluster (default: the specification's, Kubernetes 1.28 with
 * Istio 1.19). Prints each problem as `file: Kind/name: path: message` on stdout and exits 1;
 * exits 0 with a one-line summary when everything is valid; exits 2 with one line on stderr when
 * no file is given, an option or the target is not supported, or a file is unreadable or not YAML.
 */
import { readFileSync } from 'node:fs';
import { DocumentOptions, parseAllDocuments, ParseOptions, SchemaOptions, Tags } from 'yaml';
import { formatProblem, validateManifests } from './index';
import { isPlainObject } from './schema-check';
import { checkTargetCompatibility, describeTarget, SPECIFICATION_TARGET, Target } from './targets';

/** Where the CLI writes its lines. */
export interface CliOutput {
  out(line: string): void;
  err(line: string): void;
}

/** The one line printed when no file is given. */
export const USAGE = 'usage: npm run validate -- [--kubernetes <minor>] [--istio <minor>] <file.k8s.yaml> [more files...]';

/** The target and files named by `args`, or the one line to print when they are not usable. */
export function parseValidateArgs(args: readonly string[]): { target: Target; files: string[] } | { readonly error: string } {
  const chosen: { kubernetes?: string; istio?: string } = {};
  const files: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const option = /^--(kubernetes|istio)(?:=(.*))?$/.exec(arg);
    if (option) {
      const value = option[2] ?? args[++i];
      if (value === undefined || value === '') return { error: `error: --${option[1]} needs a version, e.g. --${option[1]} ${option[1] === 'istio' ? '1.30' : '1.35'}` };
      chosen[option[1] as 'kubernetes' | 'istio'] = value;
    } else if (arg.startsWith('--')) {
      return { error: `error: unknown option ${arg}; ${USAGE}` };
    } else {
      files.push(arg);
    }
  }
  if (files.length === 0) return { error: USAGE };
  const target: Target = { kubernetes: chosen.kubernetes ?? SPECIFICATION_TARGET.kubernetes, istio: chosen.istio ?? SPECIFICATION_TARGET.istio };
  const problems = checkTargetCompatibility(target);
  if (problems.length > 0) return { error: `error: unsupported target Kubernetes ${target.kubernetes} with Istio ${target.istio}: ${problems.join('; ')}` };
  return { target, files };
}

/**
 * kubectl reads manifests as YAML 1.1 (go-yaml v2), where unquoted `yes`, `on`, `y`, `off`... are
 * booleans: reading them the same way catches a string field that kubectl would see as a
 * boolean. go-yaml v2 keeps timestamps and `1:20` (sexagesimal) as strings, so those tags go.
 */
const KUBECTL_YAML: ParseOptions & DocumentOptions & SchemaOptions = {
  version: '1.1',
  customTags: (tags: Tags) => tags.filter((tag) => typeof tag === 'string'
    ? !['timestamp', 'intTime', 'floatTime'].includes(tag)
    : tag.tag !== 'tag:yaml.org,2002:timestamp' && !('format' in tag && tag.format === 'TIME')),
};

/** The documents of one file (a `List` document contributes its items, as with kubectl), or why it cannot be read. */
function readManifestFile(path: string): unknown[] | { readonly error: string } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    return { error: `error: cannot read ${path}: ${(error as Error).message}` };
  }
  const objects: unknown[] = [];
  for (const [index, doc] of parseAllDocuments(text, KUBECTL_YAML).entries()) {
    const [problem] = doc.errors;
    if (problem) return { error: `error: ${path}: document ${index + 1} is not valid YAML: ${problem.message.split('\n')[0].replace(/:$/, '')}` };
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) continue; // empty document, e.g. after a trailing `---`
    if (isPlainObject(value) && value.apiVersion === 'v1' && value.kind === 'List' && Array.isArray(value.items)) objects.push(...value.items);
    else objects.push(value);
  }
  return objects;
}

/** Runs the CLI on `args` (options and file paths); returns the exit code. */
export function runValidateCli(args: readonly string[], output: CliOutput): number {
  const parsed = parseValidateArgs(args);
  if ('error' in parsed) {
    output.err(parsed.error);
    return 2;
  }
  const { target } = parsed;
  const files: Array<{ readonly path: string; readonly objects: unknown[] }> = [];
  for (const path of parsed.files) {
    const objects = readManifestFile(path);
    if (!Array.isArray(objects)) {
      output.err(objects.error);
      return 2;
    }
    files.push({ path, objects });
  }
  let problems = 0;
  let objectCount = 0;
  for (const { path, objects } of files) {
    objectCount += objects.length;
    for (const problem of validateManifests(objects, target)) {
      output.out(formatProblem(problem, path));
      problems++;
    }
  }
  const description = describeTarget(target);
  const counts = `${objectCount} object${objectCount === 1 ? '' : 's'} in ${files.length} file${files.length === 1 ? '' : 's'}`;
  if (problems > 0) {
    output.err(`${problems} problem${problems === 1 ? '' : 's'} in ${counts} (target: ${description})`);
    return 1;
  }
  output.out(`ok: ${counts} valid for ${description}`);
  return 0;
}
