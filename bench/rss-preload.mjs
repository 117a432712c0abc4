// Preloaded into the measured `vigil` process (node --import): at exit, its peak resident set size (kB) goes to
// the file named by BENCH_RSS_OUT. Nothing else changes in the process.
import { writeFileSync } from 'node:fs';

process.on('exit', () => {
  if (process.env.BENCH_RSS_OUT) writeFileSync(process.env.BENCH_RSS_OUT, String(process.resourceUsage().maxRSS));
});
