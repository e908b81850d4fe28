/**
 * A second of the soak (scripts/soak.ts; `npm run soak -- --seconds 60` for the real thing):
 * concurrent full and ad-hoc synths, half of them killed at random, consistent under the lock
 * throughout and exactly the clean set after one final synth.
 */
import { runSoak } from '../../scripts/soak';

// A fixed seed, so that the same runs get a kill every time: with seed 28, four of the first eight,
// three of them early in the run, so that `killed > 0` holds on a fast or a busy machine alike.
// `npm run soak` draws a new seed each time.
test('concurrent synths killed at random: consistent throughout, and the clean set at the end', async () => {
  const result = await runSoak({ seconds: 0.5, minRuns: 8, concurrency: 3, seed: 28, checkIntervalMs: 150 });
  expect(result.problems).toEqual([]);
  expect(result.failed).toBe(0);
  expect(result.started).toBeGreaterThanOrEqual(8);
  expect(result.killed).toBeGreaterThan(0);
  expect(result.completed).toBeGreaterThan(0);
  expect(result.checks).toBeGreaterThan(0);
}, 30_000);
