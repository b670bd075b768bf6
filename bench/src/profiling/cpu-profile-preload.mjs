// Loaded into a service process through NODE_OPTIONS=--import=<this file> when the bench profiles
// it (Node 20 refuses --cpu-prof in NODE_OPTIONS, and the devstack passes the environment through).
// It records the V8 CPU profile that --cpu-prof would, but only between two SIGUSR2 signals, so
// the profile covers the measured phase and not the start-up. Plain JavaScript: it loads before tsx.
import { renameSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';

const dir = process.env.BENCH_PROFILE_DIR;
const name = process.env.BENCH_PROFILE_NAME ?? `pid-${process.pid}`;

if (dir) {
  const session = new Session();
  session.connect();
  let recording = false;
  let taken = 0;
  process.on('SIGUSR2', () => {
    if (!recording) {
      recording = true;
      session.post('Profiler.enable', () => session.post('Profiler.start'));
      return;
    }
    recording = false;
    session.post('Profiler.stop', (error, result) => {
      if (error || !result) return;
      const file = join(dir, `${name}-${++taken}.cpuprofile`);
      // Written under a temporary name first: the bench waits for the final name to appear.
      writeFileSync(`${file}.partial`, JSON.stringify(result.profile));
      renameSync(`${file}.partial`, file);
    });
  });
}
