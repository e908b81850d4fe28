/*
 * Peak-memory fallback for `npm run bench` where GNU /usr/bin/time is missing: the bench preloads
 * this file into every Node process of a measured command (through NODE_OPTIONS, so npm, its
 * script and jest's workers all get it). Each process appends its own peak RSS in KiB to
 * BENCH_RSS_FILE when it exits; the bench takes the largest.
 */
'use strict';
const fs = require('fs');

const file = process.env.BENCH_RSS_FILE;
if (file) {
  process.on('exit', () => {
    fs.appendFileSync(file, `${process.resourceUsage().maxRSS}\n`);
  });
}
