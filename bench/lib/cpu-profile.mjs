// Preloaded with NODE_OPTIONS="--import <this file>" (Node 20 refuses --cpu-prof there): a first
// SIGUSR2 starts profiling the main thread (so start-up and warm-up stay out of the profile); a
// second SIGUSR2, a stop request (SIGTERM/SIGINT, before the program's own handlers) or the exit
// writes <BENCH_CPU_PROFILE_DIR>/<script>-<pid>.cpuprofile. Only for processes that handle
// SIGTERM themselves (the web and the worker), unless BENCH_CPU_PROFILE_FROM_START is set (the
// parser child processes, which the worker starts and stops with SIGTERM): then profiling runs
// from the start, and a stop request writes the profile and ends the process.
import fs from 'node:fs';
import { Session } from 'node:inspector';
import path from 'node:path';

const dir = process.env.BENCH_CPU_PROFILE_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 1000 });
  let state = 'idle';
  const write = () => {
    if (state !== 'profiling') return;
    state = 'written';
    // The main thread's own session answers synchronously, so this also works in an 'exit' handler.
    session.post('Profiler.stop', (error, result) => {
      if (error) return;
      fs.mkdirSync(dir, { recursive: true });
      const script = path.basename(process.argv[1] ?? 'node').replace(/\.[^.]+$/, '');
      fs.writeFileSync(path.join(dir, `${script}-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  };
  process.on('SIGUSR2', () => {
    if (state === 'profiling') return write();
    if (state !== 'idle') return;
    state = 'profiling';
    session.post('Profiler.start');
  });
  if (process.env.BENCH_CPU_PROFILE_FROM_START) {
    state = 'profiling';
    session.post('Profiler.start');
    for (const signal of ['SIGTERM', 'SIGINT']) {
      process.once(signal, () => {
        write();
        process.exit(0);
      });
    }
  } else {
    for (const signal of ['SIGTERM', 'SIGINT']) process.prependListener(signal, write);
  }
  process.on('exit', write);
}
