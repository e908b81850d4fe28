/**
 * Where the manifests go: `CDK8S_OUTDIR`, validated like the other variables (one line naming the
 * value and what is expected; exit 2; nothing built or written).
 *
 * The rule:
 * - unset: `dist`;
 * - set but empty (or blank), or containing a control character: an error;
 * - a folder inside the project (relative to the project root, or absolute): accepted, unless it is
 *   the project root itself, a file, or at or inside a folder with another purpose (the other output
 *   folders, the synth's state folder, `.git`, `node_modules`);
 * - a folder outside the project: refused, unless the cdk8s CLI set it. The cdk8s CLI (cdk8s-cli's
 *   `synthApp` in src/util.ts) runs the app with `CDK8S_OUTDIR` set to its output folder (`dist`,
 *   the `output` of cdk8s.yaml or `-o <folder>`, as given; a fresh temporary folder for `--stdout`)
 *   and, in the same environment, always sets `CDK8S_RECORD_CONSTRUCT_METADATA` ('true' or 'false').
 *   That second variable is the sign: an outside folder is accepted only when it is set. It guards
 *   against mistakes, not against someone who sets both on purpose. Even then the folder may not
 *   contain the project (the root of the file system, a parent folder).
 * Symbolic links are resolved before deciding "inside". Files outside the project are never pruned
 * (the cdk8s CLI empties its output folder before it runs the app anyway).
 */
import * as fs from 'fs';
import * as path from 'path';
import { showValue } from '../model/environment';
import { OUTPUT_FOLDERS, SYNTH_STATE } from '../model/output-layout';
import { OUTDIR_VARIABLE } from './select-environments';

/** Set by the cdk8s CLI whenever it runs the app (alongside CDK8S_OUTDIR). */
export const CDK8S_CLI_MARKER = 'CDK8S_RECORD_CONSTRUCT_METADATA';

/** Folders inside the project that must not receive the manifests, and what they are for. */
const RESERVED: ReadonlyArray<readonly [string, string]> = [
  [OUTPUT_FOLDERS.outputs.dir, 'the stack outputs'],
  [OUTPUT_FOLDERS.argocd.dir, 'the ArgoCD Applications'],
  [OUTPUT_FOLDERS.diagrams.dir, 'the diagrams'],
  [SYNTH_STATE.dir, "the synth's lock, journal and staging"],
  ['.git', "git's own files"],
  ['node_modules', 'the npm packages'],
];

/** `file` with symbolic links resolved, also when it (or its parents) does not exist yet. */
function realPath(file: string): string {
  const missing: string[] = [];
  for (let p = file; ; p = path.dirname(p)) {
    try {
      return path.join(fs.realpathSync(p), ...missing);
    } catch {
      if (path.dirname(p) === p) return file;
      missing.unshift(path.basename(p));
    }
  }
}

const within = (parent: string, child: string) => child === parent || child.startsWith(parent.endsWith(path.sep) ? parent : parent + path.sep);

/**
 * The manifest folder for `value` (the CDK8S_OUTDIR value, undefined when unset): relative to the
 * root (with `/`) when inside the project, else absolute; or the problems with it.
 */
export function resolveManifestDir(
  value: string | undefined,
  root: string,
  vars: Readonly<Record<string, string | undefined>>,
): { dir: string; problems: string[] } {
  const fallback = OUTPUT_FOLDERS.manifests.dir;
  if (value === undefined) return { dir: fallback, problems: [] };
  const name = `${OUTDIR_VARIABLE}: ${showValue(value)}`;
  const expected = `expected a folder for the manifests inside the project, such as ${fallback}`;
  if (value.trim() === '') {
    return { dir: fallback, problems: [`${OUTDIR_VARIABLE}: set but empty; ${expected}, or the variable unset for ${fallback}`] };
  }
  if (/[\u0000-\u001f\u007f]/.test(value)) return { dir: fallback, problems: [`${name} contains a control character; ${expected}`] };

  const realRoot = realPath(path.resolve(root));
  const target = realPath(path.resolve(root, value));
  const problem = (why: string) => ({ dir: fallback, problems: [`${name} ${why}`] });
  let kind: 'file' | 'other' | undefined;
  try {
    const s = fs.statSync(target);
    kind = s.isDirectory() ? undefined : s.isFile() ? 'file' : 'other';
  } catch {
    kind = undefined;
  }
  if (kind !== undefined) return problem(`is ${kind === 'file' ? 'a file' : 'not a folder'}; ${expected}`);

  if (within(realRoot, target)) {
    if (target === realRoot) return problem(`is the project root; ${expected} (a folder of its own)`);
    for (const [dir, purpose] of RESERVED) {
      if (!within(path.join(realRoot, dir), target)) continue;
      return problem(`is ${target === path.join(realRoot, dir) ? 'the folder' : `inside ${dir}, the folder`} of ${purpose}; ${expected}`);
    }
    return { dir: path.relative(realRoot, target).split(path.sep).join('/'), problems: [] };
  }
  if (within(target, realRoot)) return problem(`contains the project (${realRoot}); ${expected}`);
  if (vars[CDK8S_CLI_MARKER] === undefined) {
    return problem(
      `is outside the project (${realRoot}); ${expected}. Only the cdk8s CLI may send them elsewhere ` +
      `(\`npx cdk8s synth -o <folder>\`; it sets ${CDK8S_CLI_MARKER} as well)`,
    );
  }
  return { dir: target, problems: [] };
}
