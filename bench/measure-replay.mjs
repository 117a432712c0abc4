// Runs `vigil replay` (the compiled CLI, exactly what bin/vigil.js runs) in this process and reports wall time
// and peak RSS to the file named by BENCH_OUT. Used by bench/run.ts as a child process.
import { writeFileSync } from 'node:fs';

const { main } = await import(new URL('../dist/cli/main.js', import.meta.url).href);
const started = performance.now();
const code = await main(process.argv.slice(2));
const ms = performance.now() - started;
writeFileSync(process.env.BENCH_OUT, JSON.stringify({ code, ms, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
process.exitCode = code;
