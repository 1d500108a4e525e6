// `npm run bench`: every speed and memory target of the issues, each measured against a baseline
// taken in the same run, printed as a table and written to docs/benchmarks.md.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleForBench } from './bundle.mjs';
import { median, nodeJson, peakRssMb, record, rows, timeCommand, timeInTurns, updateReport, writeReport } from './lib.mjs';
import { installPeers, peerCommands } from './peers.mjs';
import { benchCi } from './ci.mjs';

await bundleForBench();
const only = process.argv[2];
const node = process.execPath;
const small = 'docs/runbooks/failover-drill.md';

if (!only || only === 'parser') {
  // Issue 2: linear cost, bounded memory, close to bare remark.
  const sizes = [100, 1024, 5120];
  const model = Object.fromEntries(sizes.map((kb) => [kb, nodeJson('bench/parse-child.mjs', ['model', String(kb)])]));
  const bare = [1, 2, 3].map(() => nodeJson('bench/parse-child.mjs', ['bare', '100']).ms);
  const model100 = median([model[100].ms, ...[1, 2].map(() => nodeJson('bench/parse-child.mjs', ['model', '100']).ms)]);
  const tput = (r) => r.bytes / 1048576 / (r.ms / 1000);
  for (const kb of sizes) {
    console.log(`      model of ${kb} KB: ${model[kb].ms.toFixed(0)} ms, ${tput(model[kb]).toFixed(2)} MB/s, peak RSS ${model[kb].maxRssMb.toFixed(0)} MB`);
  }
  record({ issue: 2, name: 'model throughput at 5 MB vs at 100 KB', value: tput(model[5120]), baseline: tput(model[100]), baselineName: '100 KB', unit: 'MB/s', limit: 0.8, better: 'higher' });
  record({ issue: 2, name: 'model throughput at 1 MB vs at 100 KB', value: tput(model[1024]), baseline: tput(model[100]), baselineName: '100 KB', unit: 'MB/s', limit: 0.8, better: 'higher' });
  record({ issue: 2, name: 'peak RSS, model of a 5 MB runbook', value: model[5120].maxRssMb, unit: 'MB', limit: 300 });
  record({ issue: 2, name: 'model of 100 KB vs bare remark-parse + remark-gfm', value: model100, baseline: median(bare), baselineName: 'bare parse', unit: 'ms', limit: 1.2 });

  const [nodeStart, version] = timeInTurns([{ argv: [node, '-e', '0'] }, { argv: [node, 'bin/runbook.js', '--version'] }], { runs: 15 });
  record({ issue: 2, name: '`runbook --version`, cold', value: version, baseline: nodeStart, baselineName: '`node -e 0`', unit: 'ms', limit: 1.3 });
  if (process.env.NODE_EXTRA_CA_CERTS) {
    const unset = ['NODE_EXTRA_CA_CERTS'];
    const [nodeOwn, versionOwn] = timeInTurns([{ argv: [node, '-e', '0'], unset }, { argv: [node, 'bin/runbook.js', '--version'], unset }], { runs: 15 });
    record({ issue: 2, name: '`runbook --version`, cold, both without NODE_EXTRA_CA_CERTS', value: versionOwn, baseline: nodeOwn, baselineName: '`node -e 0`', unit: 'ms', limit: 1.3 });
  }
  const [bareList, list] = timeInTurns([{ argv: [node, 'bench/bare-list.mjs', small] }, { argv: [node, 'bin/runbook.js', 'list', small] }], { runs: 15 });
  record({ issue: 2, name: '`runbook list` on a small runbook', value: list, baseline: bareList, baselineName: 'import remark + parse', unit: 'ms', limit: 1.2 });
}

if (!only || only === 'document') {
  // Issue 3: a one-shot tick costs about one parse; a tick in a session re-parses only what
  // changed; applying k edits is linear.
  const r = nodeJson('bench/document-child.mjs', ['5120']);
  record({ issue: 3, name: 'one tick on a 5 MB document (read + parse + edit + write)', value: r.oneShotMs, baseline: r.parseMs, baselineName: 'parse alone', unit: 'ms', limit: 1.2 });
  record({ issue: 3, name: 'tick in an open session, 5 MB: model update (the box flipped in place)', value: r.sessionUpdateMs, unit: 'ms', limit: 50 });
  record({ issue: 3, name: 'tick in an open session, 5 MB: whole tick incl. checked write + fsync (one box: in place)', value: r.sessionTickMs, unit: 'ms', limit: 50 });
  record({ issue: 3, name: 'fill in an open session, 5 MB: model update (re-parse of what changed)', value: r.sessionFillUpdateMs, unit: 'ms', limit: 50 });
  record({ issue: 3, name: 'fill in an open session, 5 MB: whole fill incl. checked atomic write + fsync', value: r.sessionFillMs, unit: 'ms', limit: 50 });
  record({ issue: 3, name: 'apply 100 edits to 5 MB vs 1 edit', value: r.editsMs[100], baseline: r.editsMs[1], baselineName: '1 edit', unit: 'ms', limit: 2 });
  record({ issue: 3, name: 'apply 10 000 edits to 5 MB vs 1 edit', value: r.editsMs[10000], baseline: r.editsMs[1], baselineName: '1 edit', unit: 'ms', limit: 2 });
}

if (!only || only === 'executor') {
  // Issue 4: a 200 000-line block against a bare spawn piped to a file. (The per-block cost is
  // measured on whole `runbook run` processes, in the `run` section.)
  const bare = median([1, 2, 3, 4, 5].map(() => nodeJson('bench/executor-child.mjs', ['bare-output']).ms));
  const outputs = [1, 2, 3, 4, 5].map(() => nodeJson('bench/executor-child.mjs', ['output']));
  record({ issue: 4, name: 'block printing 200 000 lines: the first block of a fresh process (output, log, journal, result line)', value: median(outputs.map((o) => o.blockMs)), baseline: bare, baselineName: 'spawn piped to a file', unit: 'ms', limit: 1.3 });
  record({ issue: 4, name: 'the same block again, later in the running session', value: median(outputs.map((o) => o.laterMs)), baseline: bare, baselineName: 'spawn piped to a file', unit: 'ms', limit: 1.3 });
  record({ issue: 4, name: 'the first block with session start and close (shell, journal, lock)', value: median(outputs.map((o) => o.ms - o.laterMs)), baseline: bare, baselineName: 'spawn piped to a file', unit: 'ms', limit: 1.3 });
  // The same, with the modules loaded as the CLI loads them (the first run writes the cache).
  rmSync(new URL('./.out/document.cjs.cache', import.meta.url), { force: true });
  nodeJson('bench/executor-child.mjs', ['output', 'cached']);
  const cachedOutputs = [1, 2, 3, 4, 5].map(() => nodeJson('bench/executor-child.mjs', ['output', 'cached']));
  record({ issue: 4, name: 'the first block of a fresh process, code from V8 cache as in the CLI', value: median(cachedOutputs.map((o) => o.blockMs)), baseline: bare, baselineName: 'spawn piped to a file', unit: 'ms', limit: 1.3 });
  record({ issue: 4, name: 'the first block with session start and close, code from V8 cache as in the CLI', value: median(cachedOutputs.map((o) => o.ms - o.laterMs)), baseline: bare, baselineName: 'spawn piped to a file', unit: 'ms', limit: 1.3 });
  // Issue 8: tool time per poll of a recovery check, above the check's own run time (the same
  // check 200 times in a bash loop). Forks are slow and uneven on small VMs: the two are measured
  // in turns, five times each, and the medians compared.
  const checkLoops = [];
  const pollRuns = [];
  for (let i = 0; i < 5; i++) {
    const start = performance.now();
    timeCommand(['bash', '-c', 'cd "$(mktemp -d)" && echo 0 > count && for i in $(seq 200); do read -r n < count; n=$((n+1)); echo "$n" > count; /usr/bin/test "$n" -ge 200; done; true'], { runs: 1 });
    checkLoops.push(performance.now() - start);
    pollRuns.push(nodeJson('bench/executor-child.mjs', ['poll']).ms);
  }
  const checkLoop = median(checkLoops);
  const polls = median(pollRuns);
  record({ issue: 8, name: '200 polls of a recovery check: ms per poll above the check itself in a bash loop', value: (polls - checkLoop) / 200, unit: 'ms', limit: 2 });
  console.log(`      200 polls: ${polls.toFixed(0)} ms; the check 200 times in bash: ${checkLoop.toFixed(0)} ms`);
  const big = mkdtempSync(join(tmpdir(), 'runbook-bench-big-'));
  writeFileSync(join(big, 'big.md'), '# Big\n\n```bash\nseq 1 200000\n```\n');
  const runBig = [node, 'bin/runbook.js', 'run', join(big, 'big.md'), '--yes'];
  const [bareProcess, cliProcess, uncached] = timeInTurns([
    { argv: [node, 'bench/bare-output.mjs', join(big, 'out.log')] },
    { argv: runBig },
    { argv: runBig, env: { RUNBOOK_NO_CODE_CACHE: '1' } },
  ]);
  record({ issue: 4, name: '`runbook run` of that block, started from V8 code cache vs compiled from source (whole processes)', value: cliProcess, baseline: uncached, baselineName: 'RUNBOOK_NO_CODE_CACHE=1', unit: 'ms', limit: 1 });
  console.log(`      whole \`runbook run\` of that block: ${cliProcess.toFixed(0)} ms; bare node script: ${bareProcess.toFixed(0)} ms (compared with zx, maid and txm in the \`run\` section)`);
  const rss = peakRssMb(runBig);
  if (rss !== null) record({ issue: 4, name: 'peak RSS of `runbook run` while a block prints 200 000 lines (whole process)', value: rss, unit: 'MB', limit: 150 });
}

if (!only || only === 'run') {
  // Issue 15: what a user runs, as whole processes. Per block: `runbook run` of 1, 200 and 1 000
  // trivial blocks in one section (no heading between them), from a fresh copy each time, against
  // bash spawning `bash -c true` as many times; peak memory; the same work done by zx, maid, txm.
  const work = mkdtempSync(join(tmpdir(), 'runbook-bench-run-'));
  const blocks = (n, headings = false) => {
    const path = join(work, `${headings ? 'headed' : 'blocks'}-${n}.md`);
    const body = Array.from({ length: n }, (_, i) => `${headings ? `## Step ${i + 1}\n\n` : ''}\`\`\`bash\ntrue\n\`\`\`\n\n`).join('');
    writeFileSync(path, `# Blocks\n\n${body}`);
    return path;
  };
  // Each run starts from the document as written, under a name no run used before (so with no
  // session files yet): the copies are made ahead, and `sh` takes the next with its builtins
  // alone, then becomes the `runbook` process. No process but runbook's own is timed with it, as
  // none is with the peers (a `cp` and an `rm` before each run were 3 ms apiece here).
  const fresh = (source) => {
    const dir = mkdtempSync(join(work, 'run-'));
    for (let i = 0; i < 40; i++) cpSync(source, join(dir, `doc-${i}.md`));
    writeFileSync(join(dir, 'next'), '0\n');
    return ['sh', '-c', 'read n < "$1/next" && [ -f "$1/doc-$n.md" ] && echo $((n + 1)) > "$1/next" && exec "$2" bin/runbook.js run "$1/doc-$n.md" --yes', 'sh', dir, node];
  };
  const bashLoop = (n) => ['bash', '-c', `for i in $(seq 1 ${n}); do bash -c true; done`];
  const thousandRun = fresh(blocks(1000));
  const [loop200, loop1000, one, two, thousand, headed] = timeInTurns(
    [{ argv: bashLoop(200) }, { argv: bashLoop(1000) }, { argv: fresh(blocks(1)) }, { argv: fresh(blocks(200)) }, { argv: thousandRun }, { argv: fresh(blocks(200, true)) }],
    { runs: 5 },
  );
  const perBlock = (total, n) => (total - one) / (n - 1);
  console.log(`      runbook run: ${one.toFixed(0)} ms for 1 block, ${two.toFixed(0)} ms for 200, ${thousand.toFixed(0)} ms for 1 000 (${headed.toFixed(0)} ms for 200 under headings); bash loop: ${(loop200 / 200).toFixed(2)} / ${(loop1000 / 1000).toFixed(2)} ms per \`bash -c true\``);
  record({ issue: 15, name: '`runbook run`, 200 trivial blocks in one section: ms per block above `bash -c true` in a bash loop (whole processes)', value: perBlock(two, 200) - loop200 / 200, unit: 'ms', limit: 1.5 });
  record({ issue: 15, name: 'the same, 1 000 blocks in one section', value: perBlock(thousand, 1000) - loop1000 / 1000, unit: 'ms', limit: 1.5 });
  record({ issue: 15, name: 'the same, 200 blocks each under its own heading', value: perBlock(headed, 200) - loop200 / 200, unit: 'ms', limit: 1.5 });
  record({ issue: 15, name: '`runbook run`: ms per block at 1 000 blocks vs at 200 (flat cost)', value: perBlock(thousand, 1000), baseline: perBlock(two, 200), baselineName: 'per block at 200', unit: 'ms', limit: 1.2 });
  // The same question inside each timed 1 000-block process, from the times its own journal
  // wrote: the pace of its last hundred blocks against that of its second hundred (the first
  // hundred include the compiler warming up), in every run, the median of the ratios.
  const paces = readdirSync(join(thousandRun[4], '.runbook'))
    .filter((name) => name.endsWith('.journal.jsonl'))
    .map((name) => {
      const ends = readFileSync(join(thousandRun[4], '.runbook', name), 'utf8').trim().split('\n').map((line) => JSON.parse(line)).filter((e) => e.type === 'block-end').map((e) => Date.parse(e.t));
      return { early: (ends[199] - ends[99]) / 100, late: (ends[999] - ends[899]) / 100 };
    });
  const [early, late] = [median(paces.map((p) => p.early)), median(paces.map((p) => p.late))];
  console.log(`      inside the 1 000-block runs (their journals): ${early.toFixed(2)} ms per block over blocks 101–200, ${late.toFixed(2)} over blocks 901–1 000 (${paces.length} runs)`);
  record({ issue: 15, name: 'the same inside one `runbook run` of 1 000 blocks: ms per block over its last 100 blocks vs over blocks 101–200 (from its journal)', value: late, baseline: early, baselineName: 'blocks 101–200', unit: 'ms', limit: 1.2 });
  const rssOne = peakRssMb(fresh(blocks(1)));
  const rssThousand = peakRssMb(fresh(blocks(1000)));
  if (rssOne !== null) {
    console.log(`      peak RSS: ${rssOne.toFixed(0)} MB at 1 block, ${rssThousand.toFixed(0)} MB at 1 000`);
    record({ issue: 15, name: 'peak RSS of `runbook run`, 1 000 blocks above 1 block (whole processes)', value: rssThousand - rssOne, unit: 'MB', limit: 20 });
  }

  const peers = installPeers();
  if (peers) {
    const versus = (what, bodies, source, tag, without = [], runs = 5) => {
      const commands = peerCommands(mkdtempSync(join(work, `${tag}-`)), peers, bodies);
      const names = Object.keys(commands).filter((name) => !without.includes(name));
      const [mine, ...theirs] = timeInTurns([{ argv: fresh(source) }, ...names.map((n) => commands[n])], { runs });
      names.forEach((name, k) => {
        const label = name === 'zx' ? 'zx (markdown mode)' : name;
        record({ issue: 15, name: `\`runbook run\` of ${what} vs ${label}, whole processes`, value: mine, baseline: theirs[k], baselineName: label, unit: 'ms', limit: 1 });
      });
    };
    versus('200 trivial blocks', Array.from({ length: 200 }, () => 'true'), blocks(200), 'blocks');
    const big = join(work, 'big.md');
    writeFileSync(big, '# Big\n\n```bash\nseq 1 200000\n```\n');
    // txm holds a test's output in a buffer of 1 MiB and fails the test past it
    // (ERR_CHILD_PROCESS_STDIO_MAXBUFFER): it cannot run this block at all.
    // Each of these runs takes about a quarter of a second, where this machine's noise is a few
    // percent of it: more turns for a steadier median.
    versus('one block printing 200 000 lines', ['seq 1 200000'], big, 'big', ['txm'], 11);
  }
}

if (!only || only === 'play') {
  // Issue 5: play's first frame against a bare Ink script that renders one frame.
  const { firstFrame } = await import('./first-frame.mjs');
  const work = mkdtempSync(join(tmpdir(), 'runbook-bench-play-'));
  writeFileSync(join(work, 'drill.md'), '# Drill\n\n- [ ] Step\n\n  ```bash\n  echo hi\n  ```\n');
  const root = process.cwd();
  const bare = firstFrame(`${node} ${join(root, 'bench/bare-ink.mjs')} drill.md`, 'first frame', work);
  const play = firstFrame(`${node} ${join(root, 'bin/runbook.js')} play drill.md`, '? keys', work);
  record({ issue: 5, name: '`runbook play` first frame on a small runbook (real terminal)', value: play, baseline: bare, baselineName: 'bare ink + react + parser, one frame', unit: 'ms', limit: 1.2 });
  const { playUnderLoad } = await import('./play-load.mjs');
  const loads = [1, 2, 3].map(() => playUnderLoad(root));
  // The same work done bare: two 200 000-line runs and the pause between them, piped to a file.
  const pause = 500;
  const bareTwice = 2 * timeCommand([node, 'bench/bare-output.mjs', join(work, 'out.log')], { runs: 5 }) + pause;
  record({ issue: 5, name: 'play: a block printing 2 × 200 000 lines, wall time as the screen shows it', value: median(loads.map((l) => l.blockMs)), baseline: bareTwice, baselineName: 'bare node script ×2 + the pause', unit: 'ms', limit: 1.5 });
  record({ issue: 5, name: 'play: a keypress shows on screen while output pours in', value: median(loads.map((l) => l.keyMs)), unit: 'ms', limit: 100 });
  record({ issue: 5, name: 'play: peak RSS of the play process during that block', value: Math.max(...loads.map((l) => l.maxRssMb)), unit: 'MB', limit: 200 });
}

if (!only || only === 'audit') {
  // Issue 6: audit costs about a parse, and grows linearly with the number of documents.
  const parse = nodeJson('bench/audit-child.mjs', ['parse', '300']).ms;
  const audits = Object.fromEntries([100, 300, 1000].map((n) => [n, nodeJson('bench/audit-child.mjs', ['audit', String(n)]).ms]));
  record({ issue: 6, name: 'audit 300 generated ~20 KB session docs vs only parsing them', value: audits[300], baseline: parse, baselineName: 'parse only', unit: 'ms', limit: 1.2 });
  record({ issue: 6, name: 'audit: ms per document at 1 000 docs vs at 100 (linear cost)', value: audits[1000] / 1000, baseline: audits[100] / 100, baselineName: 'per doc at 100', unit: 'ms', limit: 1.2 });
  console.log(`      audit per doc: ${(audits[100] / 100).toFixed(1)} ms at 100, ${(audits[300] / 300).toFixed(1)} ms at 300, ${(audits[1000] / 1000).toFixed(1)} ms at 1 000 (5 000 not run: ~8 minutes here)`);
}

if (!only || only === 'check') {
  // Issue 7: checking runbooks (ShellCheck off) costs at most 1.5× parsing them.
  const parse = median([1, 2].map(() => nodeJson('bench/check-child.mjs', ['parse', '300']).ms));
  const check = median([1, 2].map(() => nodeJson('bench/check-child.mjs', ['check', '300']).ms));
  record({ issue: 7, name: 'check 300 generated ~4 KB runbooks, ShellCheck off, vs only parsing them', value: check, baseline: parse, baselineName: 'parse only', unit: 'ms', limit: 1.5 });
}

if (!only || only === 'glyphs') {
  // Issue 18: glyph boxes cost about what GFM tasks cost; reading the pinned template from git
  // costs little beside reading it from disk. Whole `runbook audit` processes, timed in turns.
  const dir = mkdtempSync(join(tmpdir(), 'runbook-bench-glyphs-'));
  const section = (n, box) => `## Area ${n}\n\n\`\`\`\nBEFORE:\n${Array.from({ length: 10 }, (_, i) => `  ${box} Check ${n}.${i} is confirmed by the owner`).join('\n')}\n\`\`\`\n\n- ${box} Sign-off ${n}\n`;
  const fenced = `# Review\n\n${Array.from({ length: 200 }, (_, n) => section(n, '□')).join('\n')}`;
  // The same checks as GFM task items: a list of `- [ ]` in place of each fenced checklist.
  const gfm = fenced.replace(/\`\`\`\nBEFORE:\n/g, 'BEFORE:\n\n').replace(/\n\`\`\`\n/g, '\n\n').replace(/^ {2}□ /gm, '- [ ] ').replace(/^- □ /gm, '- [ ] ');
  writeFileSync(join(dir, 'glyphs.md'), fenced);
  writeFileSync(join(dir, 'gfm.md'), gfm);
  const audit = (file) => ({ argv: ['sh', '-c', '"$1" bin/runbook.js audit "$2" > /dev/null; [ $? -le 1 ]', 'sh', node, join(dir, file)] });
  const [gfmMs, glyphMs] = timeInTurns([audit('gfm.md'), audit('glyphs.md')], { runs: 9 });
  record({ issue: 18, name: '`runbook audit`, 2 200 `□` boxes (fenced checklists and list items) vs the same as `- [ ]` tasks (whole processes)', value: glyphMs, baseline: gfmMs, baselineName: '`- [ ]` tasks', unit: 'ms', limit: 1.2 });
  // A template at a commit, and two session docs of it: one pins the commit, one pins no commit.
  const git = (...args) => spawnSync('git', args, { cwd: dir, env: { ...process.env, GIT_AUTHOR_NAME: 'b', GIT_AUTHOR_EMAIL: 'b@example.com', GIT_COMMITTER_NAME: 'b', GIT_COMMITTER_EMAIL: 'b@example.com' }, encoding: 'utf8' }).stdout.trim();
  git('init', '-q');
  writeFileSync(join(dir, 'template.md'), gfm);
  git('add', 'template.md');
  git('commit', '-q', '-m', 'template');
  const commit = git('rev-parse', 'HEAD');
  const hash = createHash('sha256').update(gfm).digest('hex');
  const session = (pin) => `---\nrunbook:\n  template: template.md\n  commit: ${pin}\n  sha256: ${hash}\n---\n${gfm.replace(/- \[ \]/g, '- [x]')}`;
  writeFileSync(join(dir, 'pinned.md'), session(commit));
  writeFileSync(join(dir, 'unpinned.md'), session('null'));
  const [diskMs, gitMs] = timeInTurns([audit('unpinned.md'), audit('pinned.md')], { runs: 9 });
  record({ issue: 18, name: '`runbook audit` of a session doc, template read at its pinned commit (git) vs from disk (whole processes)', value: gitMs, baseline: diskMs, baselineName: 'template from disk', unit: 'ms', limit: 1.3 });
  rmSync(dir, { recursive: true, force: true });
}

if (!only || only === 'report') {
  // Issue 20: the report of a 500-step session (recorded by a real `runbook run`) against parsing
  // the doc and reading the journal; the page's size; the live page's update after a journal
  // append, as the browser test measured it (test/report/watch.test.ts writes it).
  const work = mkdtempSync(join(tmpdir(), 'runbook-bench-report-'));
  const doc = join(work, 'session.md');
  writeFileSync(doc, `# Session\n\n${Array.from({ length: 500 }, (_, i) => `- [ ] step ${i + 1}\n\n  \`\`\`bash { name=step-${i + 1} }\n  echo step ${i + 1}\n  \`\`\`\n`).join('\n')}`);
  timeCommand([node, 'bin/runbook.js', 'run', doc, '--yes'], { runs: 1 });
  const out = join(work, 'session.html');
  const [floor, report] = timeInTurns([{ argv: [node, 'bench/report-floor.mjs', doc] }, { argv: [node, 'bin/runbook.js', 'report', doc, '-o', out] }], { runs: 11 });
  record({ issue: 20, name: '`runbook report` of a 500-step session (whole process)', value: report, unit: 'ms', limit: 1000 });
  record({ issue: 20, name: 'the same vs parsing the doc and reading its journal (whole processes)', value: report, baseline: floor, baselineName: 'parse + journal read', unit: 'ms', limit: 1.5 });
  record({ issue: 20, name: 'size of that report page', value: statSync(out).size / 1024, unit: 'KB', limit: 1024 });
  const latencyFile = new URL('./.out/watch-latency.json', import.meta.url);
  if (!existsSync(latencyFile)) spawnSync('npx', ['vitest', 'run', 'test/report/watch.test.ts', '-t', 'shows a new bar'], { stdio: 'ignore' });
  if (existsSync(latencyFile)) {
    const { latencyMs } = JSON.parse(readFileSync(latencyFile, 'utf8'));
    record({ issue: 20, name: 'live page: a journal append shown in the browser (measured by the browser test, not asserted)', value: latencyMs, unit: 'ms', limit: 250 });
  }
  rmSync(work, { recursive: true, force: true });
}

if (!only || only === 'inline') {
  // Issue 16: inline markup that made the parser's time grow with the square of a paragraph's
  // markers costs about what flat text of the same size does. Whole `runbook audit` processes.
  const work = mkdtempSync(join(tmpdir(), 'runbook-bench-inline-'));
  const size = 100 * 1024;
  const fill = (unit) => unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
  const docs = {
    flat: `# T\n\n- [x] step\n\n${fill('word ')}\n`,
    '50 000 unmatched `*a`': `# T\n\n- [x] step\n\n${fill('*a')}\n`,
    '`a]` repeated': `# T\n\n- [x] step\n\n${fill('a]')}\n`,
    'nested `[` then `]`': `# T\n\n- [x] step\n\n${'['.repeat(size / 2)}${']'.repeat(size / 2)}\n`,
  };
  const names = Object.keys(docs);
  names.forEach((name, i) => writeFileSync(join(work, `${i}.md`), docs[name]));
  const times = timeInTurns(names.map((_, i) => ({ argv: [node, 'bin/runbook.js', 'audit', join(work, `${i}.md`)] })), { runs: 5 });
  names.slice(1).forEach((name, i) => {
    record({ issue: 16, name: `\`runbook audit\` of a 100 KB paragraph of ${name} vs flat text of the same size (whole processes)`, value: times[i + 1], baseline: times[0], baselineName: 'flat 100 KB', unit: 'ms', limit: 2 });
  });
  rmSync(work, { recursive: true, force: true });
}

if (!only || only === 'ci') {
  // Issue 19: a light install (the bundle alone) and audit that scales (worker pool, model cache).
  benchCi();
}

// What a bare Node start costs here, with and without NODE_EXTRA_CA_CERTS (read at every start).
const startCost = process.env.NODE_EXTRA_CA_CERTS
  ? (() => {
      const [withCerts, without] = timeInTurns([{ argv: [node, '-e', '0'] }, { argv: [node, '-e', '0'], unset: ['NODE_EXTRA_CA_CERTS'] }], { runs: 9 });
      return `NODE_EXTRA_CA_CERTS is set here: \`node -e 0\` takes ${withCerts.toFixed(0)} ms with it and ${without.toFixed(0)} ms without; rows timing whole processes include it on both sides unless they say otherwise.`;
    })()
  : 'NODE_EXTRA_CA_CERTS is not set here.';
const header = [
  `Measured by \`npm run bench\` on ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}.`,
  'Each ratio compares two measurements taken in the same run; times are medians.',
  'Parser versions measured: micromark 4.0.2 (pinned through `overrides`), remark-parse 11.0.0, remark-gfm 4.0.1.',
  startCost,
].join(' ');
const notes = [
  '',
  'Notes on the #4 rows. "The first block of a fresh process" and "with session start and close" run the player from',
  'a bundled ES module with no code cache, so they include compiling the code on first use; the rows "code from V8 cache',
  'as in the CLI" load the same code as one CommonJS bundle through V8\'s code cache, as `runbook` does (the "started from',
  'V8 code cache" row measures what that saves for a whole `runbook run`). The CLI itself starts as CommonJS and loads',
  'the code cache of the command it runs (one per command, written on first use into the user cache folder).',
  'The whole `runbook run` of that block (load the CLI, parse the runbook, lock it, start the session shell, run the block,',
  'write its result line with fsync, the journal, the shell state, close) is compared with zx and maid in the #15 rows.',
  '',
  'Notes on the #15 rows. Every `runbook run` row is a whole process started from a fresh copy of the document (made',
  'ahead, one per run; `sh` picks the next with its builtins, then becomes `runbook`, so no `cp` or `rm` is timed with it),',
  'with its lock, journal, log, state file and result lines written with fsync as a user gets',
  'them. Per block = (time at N blocks − time at 1 block) / (N − 1), minus one turn of a bash loop running `bash -c true`',
  'N times, timed in turns with it. zx 8.8.5 (`zx file.md`: each bash block becomes a `$` command), maid 0.3.0 (one task',
  'that runs the others before it, `--quiet`) and txm 8.2.0 (a `check` test per block, run by bash) are installed into',
  '`bench/.peers` when the benchmark runs, never as dependencies of the package; none of them writes anything back into',
  'the document. txm cannot run the 200 000-line block: it fails the test when the output passes its 1 MiB buffer.',
  'The peers run with an empty home folder: bash reads ~/.bashrc when its standard input is a socket and it is not nested,',
  'which is how zx and maid start it, so a heavy ~/.bashrc on the machine would otherwise be timed as theirs (runbook starts',
  'its shell with --norc).',
  '',
  "Notes on the #19 rows. The package is made by `npm pack` and installed with `npm install --global --prefix` into an",
  "empty folder; the baseline installs, the same way, the eleven packages the package used to depend on at run time",
  "(`--prefer-offline`: both from npm's cache, as on a CI runner that caches it). `npx` runs in a project that installed",
  "the tarball. The audit rows run whole `runbook audit . --format json` processes on 1 000 generated ~20 KB documents,",
  "each writing its findings into a file (21 MB of JSON, as a CI job keeps them), in seven rounds, each a one-thread cold",
  "run and a `--jobs 2` cold run (taking turns at going first) and the two-process run below, each cold run with an empty",
  "cache of its own; every output",
  "is compared byte for byte with that of one thread with no cache (`--jobs 1 --no-cache`). The machine's speed moves by",
  "up to a third within minutes (on 2026-12-05 one round's one-thread audit took 36.0 s, the others 24.4–27.3 s), so",
  "each `--jobs 2` run is compared with the runs of its own round, and the two cold rows show the round whose ratio is",
  "the median of the seven (as paired runs are compared); the bench prints every round. The cold row compares the same",
  "cold audit (every document parsed, every model stored) on one thread and with `--jobs 2` (this thread and one worker).",
  "The row after it compares `--jobs 2` with the most two cores give this audit at that moment: two independent `--jobs",
  "1` processes, 500 docs each, run at once (a target of this project's own): the pool matches it (0.94–1.18× by round,",
  "noise both ways), so what is left of the cold row is the machine's, not the pool's. A lone V8 thread runs part of its",
  "garbage collection and all its optimizing compiles on the idle second core; two busy threads have none. Parsing",
  "allocates ~29 MB per 20 KB document (micromark's tokens and events), and each thread compiles the parser anew: traced",
  "with `--trace-opt`, an audit of the 1 000 docs spent 3.8 s of optimizing compiles, 0.5 s of it on",
  "mdast-util-from-markdown's compiler (made anew for every piece of every document: the bundle makes it once, see",
  "scripts/build.mjs) and 0.35 s re-optimizing the cache writer's closures, made anew per document (now the methods of a",
  "class); 2.5 s after both. Each worker loads the CLI's bundle through the `audit` command's code cache, and starts only",
  "once a document has to be parsed: a warm audit, every model in the cache, runs on one thread (a worker took longer to",
  "start than it saved). The cache packs each model (src/audit/packed-model.ts): a line of object shapes, a line of",
  "distinct strings, then the numbers as 32-bit integers (64-bit floats for the rest), each object read back by one",
  "object literal per shape, the builders found by the whole shapes line (documents of one template share it): 38 KB per",
  "20 KB doc where plain JSON took 110 KB. Findings keep their line (`snippet`) only for SARIF, whose fingerprints use",
  "it, and workers send findings back as arrays of their values. Output is made 512 findings at a time, each piece",
  "written before the next is made, and standard output redirected into a file is written string by string (Node's own",
  "stream for a file copies each string into a fresh buffer first, 0.1 s for the 21 MB here); the repository root is",
  "asked of git only by the formats that write paths from it (GitHub, SARIF, the job summary). `pending-marker` looks for",
  "markers before it works out what to skip, `time-order` reads each time column's zone once per table. Whole processes,",
  "paired (11 pairs each, medians): these made the warm audit 0.82× what it was at the start of 2026-12-05 (1.18 s",
  "against 1.44 s in the same minutes). Findings hold strings of one byte a character: a message cut from a document with",
  "any wider character (an em dash, an emoji) was two bytes a character, and so was the whole JSON made with it (0.44 s",
  "to make and write the 21 MB after a cold audit, 0.08 s now). What a second thread costs, read from each thread's CPU",
  "time in /proc in a quiet moment: one thread cold, 23.0 s on the audit's own thread and 2.3 s on V8's helper threads",
  "(its optimizing compiles: with them moved onto the audit's thread the helpers use 0.2 s), 24 s wall; `--jobs 2`, 12.2",
  "+ 11.9 s on the two audit threads (the worker starts cold: its first documents take twice as long) and 4.6 s of",
  "helpers (each thread compiles the parser anew), 29.8 s in all, which two cores take ~15 s to give: 0.62–0.67×. In a",
  "busy moment the same work took 36.5 s of CPU on the two audit threads, a third more. V8 flags",
  "that compile less (a later or a smaller inlining budget, Maglev) changed nothing beyond the noise, nor did garbage",
  "collection kept on the audit's own threads (`--single-threaded-gc`: 1.01×, 5 paired runs). On 2026-12-05 the",
  "cold row read 0.63–0.74× in runs of three rounds, 0.65× (rounds 0.56–0.79×) and 0.59× in runs of five, 0.65× (rounds",
  "0.56–0.73×, the quiet ones 0.65–0.67×) in a run of seven. The table's run (2026-12-06) had a quiet machine (the",
  "same CPU-bound loop on two threads took 0.53× its time on one; one-thread cold audits 21.4–22.4 s): rounds",
  "0.59–0.64×, median 0.62×; the warm row 0.06×.",
  '',
  'Notes on the #20 rows. The 500-step session is recorded by a real `runbook run` of 500 one-line blocks; the baseline',
  'is a Node script that parses the same doc with runbook\'s parser (a bundled ES module, no code cache) and reads and',
  'decodes its journal. The live page\'s update is timed in headless chromium by test/report/watch.test.ts: from the',
  '`block-end` event\'s time in the journal to the moment the new bar shows passed in the page (one clock), written to',
  '`bench/.out/watch-latency.json` for the bench to report; it is not a timing assertion of the test.',
  "Notes on the #21 rows. Every host is an sshd started on 127.0.0.1 by the bench (the test suite's own set-up: host keys and",
  "a client key made for the run), reached through the system's ssh as a user would; each row is whole `runbook run`",
  "processes from a fresh copy, taken in turns with its baseline. The hosts and the client share this machine's 2 cores, so",
  'ten handshakes at once cost what ten cost one after another on these cores: the row "this machine at the time" shows it',
  "(ten bare `ssh host true` at once against one). On ten real hosts each handshake's server side runs on its own host; here",
  'the group of ten is compared with that floor in the row after it.',
].join('\n');
if (!only || only === 'evidence') {
  // What keeping evidence costs a real run. The incident fixture (a fake service, four
  // blocks, a probe row) played whole by `runbook run` from a fresh copy, with its evidence
  // heading, option and column, against the same document without them; then a block writing a
  // 5 MB log, kept (copied, masked, hashed) or not.
  const work = mkdtempSync(join(tmpdir(), 'runbook-bench-evidence-'));
  const source = 'fixtures/evidence/incident';
  const text = readFileSync(join(source, 'incident.md'), 'utf8');
  const plain = text.replace('## Capture evidence before mitigating', '## Capture before mitigating').replace(' evidence=work/api.log', '').replace('| Evidence |', '| Kept |');
  const bigLog = (keep) => `# Big log\n\n\`\`\`bash${keep ? ' { evidence }' : ''}\nseq 1 700000 > big.log\n\`\`\`\n`;
  const variant = (name, doc) => {
    const dir = join(work, name);
    cpSync(source, dir, { recursive: true });
    writeFileSync(join(dir, 'incident.md'), doc);
    return dir;
  };
  const fresh = (dir, file = 'incident.md') => ['sh', '-c', 'cd "$1" && rm -rf .runbook work && exec "$2" "$3" run "$4" --yes', 'sh', dir, node, join(process.cwd(), 'bin/runbook.js'), file];
  const kept = variant('kept', text);
  const none = variant('none', plain);
  writeFileSync(join(kept, 'big.md'), bigLog(true));
  writeFileSync(join(none, 'big.md'), bigLog(false));
  const [withEvidence, without, bigKept, bigNone] = timeInTurns([{ argv: fresh(kept) }, { argv: fresh(none) }, { argv: fresh(kept, 'big.md') }, { argv: fresh(none, 'big.md') }], { runs: 9 });
  record({ issue: 18, name: '`runbook run` of the incident fixture keeping evidence (9 copies, masked, hashed, linked) vs the same without (whole processes)', value: withEvidence, baseline: without, baselineName: 'no evidence', unit: 'ms', limit: 1.3 });
  record({ issue: 18, name: '`runbook run` of a block writing a 5 MB log, kept as evidence vs not (whole processes)', value: bigKept, baseline: bigNone, baselineName: 'not kept', unit: 'ms', limit: 1.5 });
  rmSync(work, { recursive: true, force: true });
}

if (!only || only === 'ssh') {
  // Blocks on other hosts, as whole `runbook run` processes against real sshd instances on
  // 127.0.0.1 (the test suite's own set-up), each measured against its baseline in turns.
  const { startHosts } = await import('./.out/sshd.js');
  const names = Array.from({ length: 10 }, (_, i) => `h${i + 1}`);
  const hosts = await startHosts(names);
  try {
    const work = mkdtempSync(join(tmpdir(), 'runbook-bench-ssh-'));
    cpSync(hosts.config, join(work, 'ssh_config'));
    const doc = (name, info, n) => {
      const path = join(work, `${name}.md`);
      const front = `---\nssh-config: ssh_config\nhosts:\n  ten: [${names.join(', ')}]\n---\n`;
      writeFileSync(path, `${front}# Bench\n\n${Array.from({ length: n }, () => `\`\`\`bash${info}\ntrue\n\`\`\`\n\n`).join('')}`);
      return path;
    };
    const fresh = (source) => {
      const dir = mkdtempSync(join(work, 'run-'));
      cpSync(join(work, 'ssh_config'), join(dir, 'ssh_config'));
      return { argv: ['sh', '-c', 'rm -rf "$1/.runbook" && cp "$2" "$1/doc.md" && exec "$3" bin/runbook.js run "$1/doc.md" --yes', 'sh', dir, source, node], env: { HOME: work } };
    };
    const bareSsh = { argv: ['ssh', '-F', hosts.config, 'h1', 'true'] };
    // What this machine takes for ten handshakes at once: the client and all ten servers share its cores.
    const bareTen = { argv: ['bash', '-c', 'for h in "${@:2}"; do ssh -F "$1" "$h" true & done; wait', 'bash', hosts.config, ...names] };
    const [local1, local200, remote1, remote200, ssh, group, single, ten] = timeInTurns(
      [fresh(doc('local-1', '', 1)), fresh(doc('local-200', '', 200)), fresh(doc('remote-1', ' { host=h1 }', 1)), fresh(doc('remote-200', ' { host=h1 }', 200)), bareSsh, fresh(doc('group', ' { hosts=ten parallel=10 }', 1)), fresh(doc('single', ' { host=h1 }', 1)), bareTen],
      { runs: 7 },
    );
    const perLocal = (local200 - local1) / 199;
    const perRemote = (remote200 - remote1) / 199;
    console.log(`      runbook run: ${local1.toFixed(0)} / ${local200.toFixed(0)} ms for 1 / 200 local blocks, ${remote1.toFixed(0)} / ${remote200.toFixed(0)} ms on a host; bare ssh h1 true: ${ssh.toFixed(0)} ms, ten at once: ${ten.toFixed(0)} ms; one block on 10 hosts: ${group.toFixed(0)} ms, on one: ${single.toFixed(0)} ms`);
    record({ issue: 21, name: 'a block on a host over its multiplexed connection: ms per block above the same block run here (200 blocks, whole processes)', value: perRemote - perLocal, unit: 'ms', limit: 2 });
    record({ issue: 21, name: 'the first block on a host, connection set-up included (`runbook run` of one block there minus one block here) vs a bare `ssh host true`', value: remote1 - local1, baseline: ssh, baselineName: '`ssh host true`', unit: 'ms', limit: 1.5 });
    record({ issue: 21, name: '`runbook run` of a block on a group of 10 hosts with parallel=10 vs the same block on one host (whole processes)', value: group, baseline: single, baselineName: 'one host', unit: 'ms', limit: 1.5 });
    record({ issue: 21, name: 'this machine at the time: ten bare `ssh host true` at once vs one (ten sshd and their clients on its cores)', value: ten, baseline: ssh, baselineName: 'one `ssh host true`', unit: 'ms', limit: 1.5 });
    record({ issue: 21, name: 'the group of 10 with parallel=10, above one block on one host, vs ten bare `ssh host true` at once above one', value: group - single, baseline: ten - ssh, baselineName: 'ten handshakes above one', unit: 'ms', limit: 1.5 });
    rmSync(work, { recursive: true, force: true });
  } finally {
    await hosts.stop();
  }
}

// A section run alone updates its own rows and leaves the others as they were.
if (only) updateReport('docs/benchmarks.md');
else writeReport('docs/benchmarks.md', header, notes);
console.log(`\n${rows.filter((r) => r.ok).length}/${rows.length} targets met${only ? '' : '; written to docs/benchmarks.md'}`);
