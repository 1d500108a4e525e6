// The `ci` section of the benchmarks: what installing the package costs, and audit at scale.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateRunbook } from './generate.mjs';
import { median, record, timeCommand, timeInTurns } from './lib.mjs';

/** The runtime dependencies the package declared before it shipped its bundle alone: the baseline. */
const FORMER_DEPENDENCIES = ['commander@14.0.3', 'execa@9.6.1', 'github-slugger@2.0.0', 'ink@6.8.0', 'mdast-util-to-string@4.0.0', 'picomatch@4.0.7', 'react@19.3.1', 'remark-gfm@4.0.1', 'remark-parse@11.0.0', 'unified@11.0.5', 'yaml@2.9.1'];

const sizeOf = (dir) => readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).reduce((sum, e) => sum + statSync(join(e.parentPath, e.name)).size, 0);

function run(argv, options = {}) {
  const result = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', maxBuffer: 1 << 30, ...options, env: { ...process.env, ...options.env } });
  if (result.status !== 0 && !options.allowFailure) throw new Error(`${argv.join(' ')} failed: ${result.stderr}`);
  return result;
}

/** Wall ms of one run of a command, with its output. */
function timed(argv, options) {
  const start = performance.now();
  const result = run(argv, { ...options, allowFailure: true });
  return { ms: performance.now() - start, stdout: result.stdout, status: result.status };
}

export function benchCi() {
  const work = mkdtempSync(join(tmpdir(), 'runbook-bench-ci-'));
  const npmEnv = { npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };
  // The package as published: `npm pack` (its prepack builds).
  const packed = JSON.parse(run(['npm', 'pack', '--json', '--pack-destination', work], { env: npmEnv }).stdout.replace(/^[^[]*/s, ''))[0];
  const tarball = join(work, packed.filename);
  // Each install into an empty prefix of its own, taken in turns with the baseline.
  const tarballTimes = [];
  const formerTimes = [];
  for (let i = 0; i < 3; i++) {
    tarballTimes.push(timeCommand(['npm', 'install', '--global', '--prefer-offline', '--prefix', join(work, `prefix-${i}`), tarball], { runs: 1, env: npmEnv }));
    formerTimes.push(timeCommand(['npm', 'install', '--prefer-offline', '--prefix', join(work, `former-${i}`), ...FORMER_DEPENDENCIES], { runs: 1, env: npmEnv }));
  }
  const [fromTarball, former] = [median(tarballTimes), median(formerTimes)];
  const prefix = join(work, 'prefix-0');
  const packageDir = join(prefix, 'lib', 'node_modules', 'runbook');
  const formerDir = join(work, 'former-0', 'node_modules');
  const formerCount = readdirSync(formerDir).flatMap((d) => (d.startsWith('@') ? readdirSync(join(formerDir, d)) : d.startsWith('.') ? [] : [d])).length;
  console.log(`      tarball ${(packed.size / 1024).toFixed(0)} KB, ${packed.entryCount} files; installed ${(sizeOf(packageDir) / 1048576).toFixed(1)} MB, 1 package; the former dependencies: ${formerCount} packages, ${(sizeOf(formerDir) / 1048576).toFixed(1)} MB`);
  record({ issue: 19, name: 'install from the tarball into an empty prefix (--prefer-offline, warm npm cache) vs installing the former runtime dependencies', value: fromTarball, baseline: former, baselineName: `${formerCount} packages`, unit: 'ms', limit: 0.5 });
  record({ issue: 19, name: 'size installed from the tarball vs the former runtime dependencies', value: sizeOf(packageDir) / 1048576, baseline: sizeOf(formerDir) / 1048576, baselineName: 'former dependencies', unit: 'MB', limit: 0.25 });
  record({ issue: 19, name: 'tarball size', value: packed.size / 1024, unit: 'KB', limit: 1024 });

  // `npx runbook --version` in a project that installed the tarball, cold (a fresh cache folder).
  const project = join(work, 'project');
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), '{"name":"project","private":true}\n');
  run(['npm', 'install', '--offline', tarball], { cwd: project, env: npmEnv });
  const [npxNode, npxRunbook] = timeInTurns(
    [
      { argv: ['npx', '--no-install', 'node', '-e', '0'], cwd: project },
      { argv: ['npx', '--no-install', 'runbook', '--version'], cwd: project, env: { RUNBOOK_CACHE_DIR: join(work, 'fresh-cache') } },
    ],
    { runs: 7 },
  );
  record({ issue: 19, name: '`npx runbook --version`, cold, in a project that installed the tarball', value: npxRunbook, baseline: npxNode, baselineName: '`npx node -e 0`', unit: 'ms', limit: 1.2 });

  // 1 000 generated ~20 KB session docs: one thread uncached and cold, the worker pool cold, then warm.
  const docs = join(work, 'docs');
  mkdirSync(docs);
  // The same documents again in two halves, for two independent processes (what the machine gives).
  const halves = [join(work, 'first-half'), join(work, 'second-half')];
  halves.forEach((half) => mkdirSync(half));
  for (let i = 0; i < 1000; i++) {
    const [name, text] = [`session-${String(i).padStart(4, '0')}.md`, generateRunbook(20 * 1024, i + 1)];
    writeFileSync(join(docs, name), text);
    writeFileSync(join(halves[i < 500 ? 0 : 1], name), text);
  }
  // Each run writes its findings into a file, as a CI job keeps them (21 MB of JSON here); read
  // back through a pipe into this process, they would time this process's reading with it.
  const findings = join(work, 'findings.json');
  const audit = (cache, ...args) => {
    const result = timed(['sh', '-c', 'out="$1"; shift; exec "$@" > "$out"', 'sh', findings, process.execPath, join(process.cwd(), 'bin', 'runbook.js'), 'audit', '.', '--format', 'json', ...args], { cwd: docs, env: { RUNBOOK_CACHE_DIR: join(work, cache) } });
    return { ...result, stdout: readFileSync(findings, 'utf8') };
  };
  // In turns, each cold run with an empty cache of its own: a busy machine's slow moments fall on
  // both. The baseline is the same cold audit on one thread (`--jobs 1`, parsing and storing every
  // model); the output every run must give is that of one thread with no cache at all.
  const uncached = audit('no-cache', '--jobs', '1', '--no-cache');
  // Two `--jobs 1` processes at once, each with half the documents and a cache of its own: the
  // most two cores can give this audit at this moment, with nothing shared and nothing handed out.
  const apart = (round) => {
    const one = (i) => `RUNBOOK_CACHE_DIR="$1/apart-${round}-${i}" "$2" "$3" audit "${halves[i]}" --format json --jobs 1 > /dev/null; [ $? -le 1 ]`;
    const result = timed(['sh', '-c', `(${one(0)}) & first=$!; ${one(1)} || exit 1; wait $first`, 'sh', work, process.execPath, join(process.cwd(), 'bin', 'runbook.js')]);
    if (result.status !== 0) throw new Error('audit: an audit of half the documents failed');
    return result;
  };
  const serials = [];
  const colds = [];
  const aparts = [];
  const ROUNDS = 7;
  for (let round = 1; round <= ROUNDS; round++) {
    // The two cold audits take turns at going first: neither always comes after the same run.
    const [serial, cold] = [() => serials.push(audit(`serial-${round}`, '--jobs', '1')), () => colds.push(audit(`cache-${round}`, '--jobs', '2'))];
    for (const run of round % 2 ? [serial, cold] : [cold, serial]) run();
    aparts.push(apart(round));
    const s = (r) => `${(r.ms / 1000).toFixed(1)} s`;
    console.log(`      round ${round}: one thread cold ${s(serials.at(-1))}, \`--jobs 2\` cold ${s(colds.at(-1))} (${(colds.at(-1).ms / serials.at(-1).ms).toFixed(2)}×), two processes ${s(aparts.at(-1))}`);
  }
  const warm = [1, 2, 3].map(() => audit('cache-1', '--jobs', '2'));
  const expected = uncached;
  for (const other of [...serials, ...colds, ...warm]) if (other.stdout !== expected.stdout || other.status !== expected.status) throw new Error('audit: the pool or the cache changed the output');
  const [serialMs, coldMs, warmMs, apartMs] = [serials, colds, warm, aparts].map((runs) => median(runs.map((r) => r.ms)));
  // The machine's speed drifts between rounds (by a third within minutes): each cold `--jobs 2`
  // run is compared with the runs of its own round, and the row is the round whose ratio is the
  // median of the rounds' (its two times shown), as paired runs are compared.
  const medianRound = (baselines) => {
    const order = colds.map((_, i) => i).sort((a, b) => colds[a].ms / baselines[a].ms - colds[b].ms / baselines[b].ms);
    const i = order[order.length >> 1];
    return { value: colds[i].ms, baseline: baselines[i].ms };
  };
  console.log(`      load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${availableParallelism()} cores`);
  // What the machine gives two threads at this moment: the same CPU-bound work (1e9 additions)
  // split over two threads at once vs on one. 0.5× means two free cores; on a shared machine more.
  const spin = (threads) => timed([process.execPath, '-e', `const { Worker } = require('node:worker_threads'); for (let i = 0; i < ${threads}; i++) new Worker('let x = 0; for (let i = 0; i < ${1e9 / threads}; i++) x += i;', { eval: true });`]).ms;
  const [oneThread, twoThreads] = [spin(1), spin(2)];
  console.log(`      this machine now: the same CPU-bound loop split over two threads takes ${(twoThreads / oneThread).toFixed(2)}× its time on one (0.5× = two free cores)`);
  console.log(`      audit of 1 000 docs: ${(uncached.ms / 1000).toFixed(1)} s on one thread uncached, ${(serialMs / 1000).toFixed(1)} s on one thread cold, ${(coldMs / 1000).toFixed(1)} s on 2 threads cold (medians of the rounds), ${(warmMs / 1000).toFixed(2)} s warm; outputs byte-identical`);
  record({ issue: 19, name: `audit 1 000 generated ~20 KB session docs, \`--jobs 2\`, cold cache, vs the same cold audit on one thread in the same round (the median round of ${ROUNDS}; same output as one thread uncached)`, ...medianRound(serials), baselineName: '`--jobs 1`, cold', unit: 'ms', limit: 0.65 });
  console.log(`      two independent \`--jobs 1\` processes at once, 500 docs each: ${(apartMs / 1000).toFixed(1)} s (${(apartMs / serialMs).toFixed(2)}× one thread on all 1 000)`);
  record({ issue: 19, name: 'the same cold `--jobs 2` audit vs two independent `--jobs 1` audits of 500 docs each run at once in the same round (what this machine gives two cores at that moment; a target of this project\'s own, not the issue\'s)', ...medianRound(aparts), baselineName: 'two processes, halves', unit: 'ms', limit: 1.1 });
  record({ issue: 19, name: 'the same audit again, cache warm, vs cold (same output)', value: warmMs, baseline: coldMs, baselineName: 'cold', unit: 'ms', limit: 0.1 });
}
