#!/usr/bin/env node
// A tiny stand-in for a replicated service, for drills that must run on any machine with node:
//
//   drill.mjs serve --role primary|replica --port-file F [--peer-file F]   run a server
//   drill.mjs probe --port-file F [--expect-role R] [--within SECONDS]    check a server
//   drill.mjs restart --pid-file F --port-file F [--role R]               stop a server, start another
//
// A replica watches its peer's /health and promotes itself to primary once the peer has not
// answered for one second. Servers listen on 127.0.0.1 only, on a port the OS picks.
import { spawn } from 'node:child_process';
import { openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, get } from 'node:http';

const [command, ...rest] = process.argv.slice(2);
const args = Object.fromEntries(
  rest.reduce((pairs, word, i, all) => (word.startsWith('--') ? [...pairs, [word.slice(2), all[i + 1]]] : pairs), []),
);

function fetchHealth(port, timeoutMs = 500) {
  return new Promise((resolve) => {
    const req = get({ host: '127.0.0.1', port, path: '/health', timeout: timeoutMs }, (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve(res.statusCode === 200 ? JSON.parse(body) : null));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(null));
  });
}

function readPort(file) {
  try {
    return Number(readFileSync(file, 'utf8').trim()) || null;
  } catch {
    return null;
  }
}

if (command === 'serve') {
  let role = args.role ?? 'primary';
  const started = Date.now();
  const server = createServer((req, res) => {
    res.writeHead(req.url === '/health' ? 200 : 404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ role, pid: process.pid, upMs: Date.now() - started }));
  });
  server.listen(0, '127.0.0.1', () => writeFileSync(args['port-file'], String(server.address().port)));
  if (role === 'replica' && args['peer-file']) {
    let lastSeen = Date.now();
    const timer = setInterval(async () => {
      const peer = await fetchHealth(readPort(args['peer-file']), 300);
      if (peer) lastSeen = Date.now();
      else if (Date.now() - lastSeen > 1000) {
        role = 'primary';
        clearInterval(timer);
      }
    }, 200);
  }
  // close() waits for keep-alive connections to go idle; a stop must not wait for a client.
  for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
} else if (command === 'probe') {
  const deadline = Date.now() + Number(args.within ?? 0) * 1000;
  for (;;) {
    const health = await fetchHealth(readPort(args['port-file']));
    if (health && (!args['expect-role'] || health.role === args['expect-role'])) {
      console.log(`healthy: role=${health.role} pid=${health.pid}`);
      process.exit(0);
    }
    if (Date.now() >= deadline) {
      console.error(health ? `role is ${health.role}, expected ${args['expect-role']}` : 'no answer');
      process.exit(1);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
} else if (command === 'restart') {
  // Stops the server named by the pid file, then starts a new one in the background (in this
  // process group, so whoever started the drill can still stop it) and returns at once: the
  // new server is not up yet — probing it is how a drill measures the restart.
  const old = Number(readFileSync(args['pid-file'], 'utf8').trim());
  try {
    process.kill(old, 'SIGTERM');
    while (process.kill(old, 0)) await new Promise((resolve) => setTimeout(resolve, 20));
  } catch {
    // gone
  }
  rmSync(args['port-file'], { force: true });
  const log = openSync(`${args['port-file']}.log`, 'a');
  const child = spawn(process.execPath, [process.argv[1], 'serve', '--role', args.role ?? 'worker', '--port-file', args['port-file']], { stdio: ['ignore', log, log] });
  writeFileSync(args['pid-file'], String(child.pid));
  child.unref();
  console.log(`restarted: pid ${old} stopped, pid ${child.pid} starting`);
} else {
  console.error('usage: drill.mjs serve|probe|restart [options]');
  process.exit(2);
}
