/**
 * A few seconds of the soak (scripts/soak.ts; `npm run soak -- --seconds 60` for the real thing):
 * concurrent full and ad-hoc synths, half of them killed at random, consistent under the lock
 * throughout and exactly the clean set after one final synth.
 */
import { runSoak } from '../../scripts/soak';

test('concurrent synths killed at random: consistent throughout, and the clean set at the end', async () => {
  const result = await runSoak({ seconds: 1.2, concurrency: 3 });
  expect(result.problems).toEqual([]);
  expect(result.failed).toBe(0);
  expect(result.started).toBeGreaterThan(5);
  expect(result.killed).toBeGreaterThan(0);
  expect(result.completed).toBeGreaterThan(0);
}, 30_000);
