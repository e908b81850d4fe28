/** The import-boundary rule (eslint.config.js) is active and fails on a violation of each kind. */
import { ESLint } from 'eslint';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');
// The project's own config, passed in: ESLint's loader imports config files dynamically, which jest's sandbox cannot.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const eslint = new ESLint({ cwd: ROOT, overrideConfigFile: true, overrideConfig: require(path.join(ROOT, 'eslint.config.js')) });

/** Messages of `no-restricted-imports` for `code` as if it were the file `file`. */
async function violations(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

test.each([
  ['lib/checks/lint/probe.ts', "import { Microservice } from '../../constructs/microservice';", /never import the constructs or the pipeline/],
  ['lib/checks/reachability/probe.ts', "import { runSynth } from '../../synth/run';", /never import the constructs or the pipeline/],
  ['lib/model/probe.ts', "import { KubeObject } from '../manifest/kube-object';", /bottom layer/],
  ['lib/model/probe.ts', "import { readFileSync } from 'node:fs';", /I\/O belongs in lib\/synth/],
  ['lib/constructs/probe.ts', "import { writeFileSync } from 'fs';", /I\/O belongs in lib\/synth/],
  ['lib/constructs/probe.ts', "import { toYaml } from '../render/yaml-writer';", /Constructs only assemble/],
  ['lib/render/probe.ts', "import { App } from 'cdk8s';", /cdk8s code lives in lib\/constructs\/ only/],
  ['lib/synth/probe.ts', "import { main } from '../cli';", /never imports the commands/],
])('%s: %s is refused', async (file, code, message) => {
  expect(await violations(file, `${code}\nexport const probe = 1;\n`)).toEqual([expect.stringMatching(message)]);
});

test.each([
  ['lib/checks/lint/probe.ts', "import { Naming } from '../../model/naming';"],
  ['lib/render/probe.ts', "import type { ProbeResult } from '../checks/reachability';"],
  ['lib/synth/probe.ts', "import { readFileSync } from 'node:fs';"],
  ['lib/cli/probe.ts', "import { runSynth } from '../synth/run';"],
])('%s: %s is allowed', async (file, code) => {
  expect(await violations(file, `${code}\nexport const probe = 1;\n`)).toEqual([]);
});
