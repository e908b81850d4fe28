/*
 * The runner's own cache entries: one file per source file (named by a hash of its absolute path,
 * so an edit replaces the entry instead of adding one), each verified before use.
 *
 * An entry is one header line and a payload:
 *
 *   payment-mesh-cache 1 <kind> <key> <digest> <payload length>\n<payload>
 *
 * - `key` is the SHA-256 of everything the payload was made from (tool version, options, file
 *   name, source); an entry whose key is not the one this run computed (another file's entry, an
 *   older version of this file, another Node's V8 code) is a miss;
 * - `digest` is the CRC32 of kind, key and payload, and the header gives the payload's length: a
 *   truncated or extended file fails the length check, every flipped bit (and every error burst of
 *   up to 32 bits) fails the CRC, and garbage passes it with a chance of 1 in 2^32. That is the
 *   check Node's own compile cache makes; it costs 0.2 ms per MB where SHA-256 costs 0.6 (with
 *   SHA-NI), and a run verifies about 9 MB on Node 20.
 * Neither is a security measure (anyone who can write the cache can write the sources); the key
 * is SHA-256 because it must tell apart every version of a file, the digest only has to catch damage.
 *
 * A bad entry is deleted at once and its caller builds and writes a fresh one. Writes go to a
 * temporary file that is renamed into place, so a concurrent run never sees half an entry.
 *
 * Bound: after a run that wrote an entry, a cache folder with more than MAX_ENTRIES entries loses
 * its oldest (by modification time, i.e. last rewrite) down to MAX_ENTRIES, never one this run
 * used; leftover temporary files older than an hour go too.
 */
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');

const MAGIC = 'payment-mesh-cache';
const FORMAT = '2';
/** Entries per cache folder; this project loads about 150 files per run. */
const MAX_ENTRIES = 1000;
const STALE_TEMP_MS = 60 * 60 * 1000;
const MAX_HEADER = 256;

const sha256 = () => crypto.createHash('sha256');

/** SHA-256 hex of the parts, each followed by a NUL separator except the last. */
function hashOf(...parts) {
  const hash = sha256();
  parts.forEach((part, i) => {
    hash.update(part);
    if (i < parts.length - 1) hash.update('\0');
  });
  return hash.digest('hex');
}

/** File name of the entry for an absolute source path (one entry per source file and kind). */
function entryName(filename, suffix) {
  return `${hashOf(filename).slice(0, 32)}${suffix}`;
}

class EntryStore {
  /** @param {string} dir folder of this cache */
  constructor(dir) {
    this.dir = dir;
    /** Entry files this run read or wrote: pruning keeps them. */
    this.used = new Set();
    this.wrote = false;
    /** `file: reason` of every entry this run rejected as damaged (for tests and debugging). */
    this.rejected = [];
  }

  /**
   * The verified payload of entry `file` of `kind` for `key`, or undefined when it is missing,
   * made from other input, or damaged (then it is deleted).
   * @returns {Buffer | undefined}
   */
  read(file, kind, key) {
    this.used.add(file);
    let data;
    try {
      data = fs.readFileSync(path.join(this.dir, file));
    } catch {
      return undefined;
    }
    const problem = check(data, kind, key);
    if (problem === undefined) return data.subarray(data.indexOf(10) + 1);
    if (problem !== STALE) {
      this.rejected.push(`${file}: ${problem}`);
      fs.rmSync(path.join(this.dir, file), { force: true });
    }
    return undefined;
  }

  /** Writes the entry atomically; a failure (read-only or full disk) only costs speed. */
  write(file, kind, key, payload) {
    this.used.add(file);
    const body = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
    const header = Buffer.from(`${MAGIC} ${FORMAT} ${kind} ${key} ${digestOf(kind, key, body)} ${body.length}\n`, 'latin1');
    const target = path.join(this.dir, file);
    const temp = `${target}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
    try {
      fs.mkdirSync(this.dir, { recursive: true });
      fs.writeFileSync(temp, Buffer.concat([header, body]));
      fs.renameSync(temp, target);
      this.wrote = true;
    } catch {
      fs.rmSync(temp, { force: true });
    }
  }

  /** Keeps the folder within MAX_ENTRIES (see the file header). */
  prune() {
    pruneFolder(this.dir, MAX_ENTRIES, this.used);
  }
}

const STALE = 'stale';

function digestOf(kind, key, payload) {
  return zlib.crc32(payload, zlib.crc32(`${kind}\0${key}\0`)).toString(16).padStart(8, '0');
}

/** Why `data` is not a sound entry of `kind` for `key` (STALE: sound, but made from other input), or undefined. */
function check(data, kind, key) {
  const end = data.indexOf(10);
  if (end < 0 || end > MAX_HEADER) return 'no header line';
  const fields = data.toString('latin1', 0, end).split(' ');
  if (fields.length !== 6 || fields[0] !== MAGIC || fields[1] !== FORMAT || fields[2] !== kind) return 'not an entry of this kind and format';
  const [, , , entryKey, digest, length] = fields;
  const payload = data.subarray(end + 1);
  if (String(payload.length) !== length) return `payload of ${payload.length} bytes, header says ${length}`;
  if (digest !== digestOf(kind, entryKey, payload)) return 'digest mismatch';
  return entryKey === key ? undefined : STALE;
}

/**
 * Deletes the oldest files of `dir` (by mtime) beyond `max`, except those in `keep`, and
 * temporary files older than an hour. Best effort: another run may delete the same files.
 */
function pruneFolder(dir, max, keep = new Set()) {
  let names;
  try {
    names = fs.readdirSync(dir);
  } catch {
    return;
  }
  const now = Date.now();
  const entries = [];
  for (const name of names) {
    const file = path.join(dir, name);
    let stat;
    try {
      stat = fs.statSync(file);
    } catch {
      continue;
    }
    if (!stat.isFile()) continue;
    // Ours end in .tmp; Node's compile cache writes <entry>.XXXXXX (mkstemp) before its rename.
    if (name.endsWith('.tmp') || /^[0-9a-f]{8}\.[0-9A-Za-z]{6}$/.test(name)) {
      if (now - stat.mtimeMs > STALE_TEMP_MS) fs.rmSync(file, { force: true });
    } else {
      entries.push({ name, file, mtime: stat.mtimeMs });
    }
  }
  if (entries.length <= max) return;
  entries.sort((a, b) => a.mtime - b.mtime);
  let excess = entries.length - max;
  for (const entry of entries) {
    if (excess === 0) break;
    if (keep.has(entry.name)) continue;
    fs.rmSync(entry.file, { force: true });
    excess -= 1;
  }
}

/**
 * Keeps the `max` most recently modified subfolders of `dir` (one per Node version), after
 * marking those `isCurrent` accepts as modified now.
 */
function pruneVersions(dir, isCurrent, max) {
  try {
    const now = new Date();
    const versions = fs.readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => {
      const folder = path.join(dir, d.name);
      if (isCurrent(d.name)) fs.utimesSync(folder, now, now);
      return { folder, mtime: fs.statSync(folder).mtimeMs };
    }).sort((a, b) => b.mtime - a.mtime);
    for (const old of versions.slice(max)) fs.rmSync(old.folder, { recursive: true, force: true });
  } catch {
    // Best effort, like every cache write.
  }
}

module.exports = { EntryStore, MAX_ENTRIES, entryName, hashOf, pruneFolder, pruneVersions };
