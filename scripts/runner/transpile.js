/*
 * TypeScript to CommonJS JavaScript with SWC, through a verified cache (see cache.js): one entry
 * for the code and one for its source map per .ts file, both keyed by the SWC version, the
 * options, the file name and the source. SWC is loaded on the first miss only (about 7 ms).
 */
'use strict';
const fs = require('fs');
const { entryName, hashOf } = require('./cache');

const SWC_VERSION = require('@swc/core/package.json').version;
const SWC_OPTIONS = {
  jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
  module: { type: 'commonjs' },
  sourceMaps: true,
};
const TOOL = `swc ${SWC_VERSION} ${JSON.stringify(SWC_OPTIONS)}`;
let swc;

/** The map as a data URL comment, which Node reads only under --enable-source-maps. */
function withInlineMap(code, map) {
  return `${code}\n//# sourceMappingURL=data:application/json;base64,${Buffer.from(map).toString('base64')}\n`;
}

class Transpiler {
  /** @param {import('./cache').EntryStore} store */
  constructor(store) {
    this.store = store;
  }

  /**
   * The JavaScript for the .ts file `filename`, with its source map inline when Node applies
   * source maps (`--enable-source-maps`; the map is not even read otherwise), and the key of
   * what it was made from (so that a cache of V8's code for it need not hash the code again).
   * @returns {{ code: string, key: string }}
   */
  transpile(filename) {
    const source = fs.readFileSync(filename);
    const key = hashOf(TOOL, filename, source);
    const name = entryName(filename, '');
    const maps = process.sourceMapsEnabled;
    const code = this.store.read(`${name}.js`, 'js', key);
    if (code !== undefined && !maps) return { code: code.toString('utf8'), key };
    if (code !== undefined) {
      const map = this.store.read(`${name}.map`, 'map', key);
      if (map !== undefined) return { code: withInlineMap(code.toString('utf8'), map), key };
    }
    swc ??= require('@swc/core');
    const out = swc.transformSync(source.toString('utf8'), { ...SWC_OPTIONS, filename });
    this.store.write(`${name}.js`, 'js', key, out.code);
    this.store.write(`${name}.map`, 'map', key, out.map);
    return { code: maps ? withInlineMap(out.code, out.map) : out.code, key };
  }
}

module.exports = { Transpiler };
