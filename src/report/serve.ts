import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename } from 'node:path';
import { readSource } from '../document/source.js';
import { UserError } from '../errors.js';
import { journalPath } from '../session/journal.js';
import { loadPicture } from './load.js';
import { pageHtml, pictureBody } from './page.js';
import { esc } from './svg.js';

/** How often the journal and the document are looked at, ms: a stat each, well under the update budget. */
const POLL_MS = 40;

/** What the watch page runs: it swaps the picture for each one the server sends, and stops when the session ends. */
const LIVE = `const s=new EventSource('events');let n=0;
s.onmessage=(m)=>{document.getElementById('picture').innerHTML=JSON.parse(m.data).html;document.body.dataset.updates=String(++n);};
s.addEventListener('end',()=>{s.close();document.body.dataset.ended='true';document.title='(ended) '+document.title;});`;

/** A running watch page. */
export interface WatchServer {
  /** The page's address, token included. */
  url: string;
  /** Settles when the server has stopped: the session it watched ended, or `close` was called. */
  ended: Promise<void>;
  close(): Promise<void>;
}

export interface WatchOptions {
  host: string;
  port?: number;
  env?: Readonly<Record<string, string | undefined>>;
  /** Stop once a session that ends after the server started has ended (`runbook watch`). */
  untilSessionEnds?: boolean;
}

/**
 * Serves a session's picture, read-only, at `http://HOST:PORT/<token>/`, and pushes a new one
 * (server-sent events) whenever the journal or the document changes. Any request without the
 * token is refused (403); nothing but GET is answered.
 */
export async function serveWatch(file: string, options: WatchOptions): Promise<WatchServer> {
  readSource(file);
  const token = randomBytes(18).toString('base64url');
  const journal = journalPath(file);
  const clients = new Set<ServerResponse>();
  const startSize = sizeOf(journal);
  let body = render(file, options.env);
  let stamp = stampOf(file, journal);

  const server = createServer((req, res) => {
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    const path = (req.url ?? '/').split('?')[0]!;
    if (!path.startsWith(`/${token}/`)) return void res.writeHead(403, { 'Content-Type': 'text/plain' }).end('forbidden: this page needs the address runbook printed, token included\n');
    if (req.method !== 'GET' && req.method !== 'HEAD') return void res.writeHead(405, { Allow: 'GET', 'Content-Type': 'text/plain' }).end('read-only\n');
    const rest = path.slice(token.length + 2);
    if (rest === '') {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store', 'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; connect-src 'self'" });
      return void res.end(pageHtml(basename(file), body, LIVE));
    }
    if (rest === 'events') {
      res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive' });
      res.write(`data: ${JSON.stringify({ html: body })}\n\n`);
      clients.add(res);
      return void req.on('close', () => clients.delete(res));
    }
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
  });
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(new UserError(`cannot listen on ${options.host}:${options.port ?? 0} (${error.code ?? error.message}); choose another --host or --port`)));
    server.listen(options.port ?? 0, options.host, () => resolveListen());
  });

  let stop: () => void = () => undefined;
  const ended = new Promise<void>((resolveEnd) => (stop = resolveEnd));
  let closing: Promise<void> | null = null;
  const close = () => {
    closing ??= new Promise<void>((done) => {
      clearInterval(timer);
      for (const client of clients) client.end('event: end\ndata: {}\n\n');
      server.close(() => done());
      server.closeAllConnections();
    }).then(stop);
    return closing;
  };

  const timer = setInterval(() => {
    const now = stampOf(file, journal);
    if (now === stamp) return;
    stamp = now;
    const next = render(file, options.env);
    if (next !== body) {
      body = next;
      for (const client of clients) client.write(`data: ${JSON.stringify({ html: body })}\n\n`);
    }
    if (options.untilSessionEnds && sessionEndedSince(journal, startSize)) void close();
  }, POLL_MS);
  timer.unref();

  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return { url: `http://${host}:${port}/${token}/`, ended, close };
}

/** The picture's body, or a line saying what it waits for. */
function render(file: string, env: WatchOptions['env']): string {
  try {
    return pictureBody(loadPicture(file, env ?? {}));
  } catch (error) {
    return `<h1>${esc(file)}</h1><p class="meta">${esc((error as Error).message)}; this page updates by itself.</p>`;
  }
}

function sizeOf(path: string): number {
  return existsSync(path) ? statSync(path).size : 0;
}

/** What changes when the journal grows or the document is written. */
function stampOf(file: string, journal: string): string {
  const at = (p: string) => (existsSync(p) ? `${statSync(p).size}:${statSync(p).mtimeMs}` : '-');
  return `${at(journal)}|${at(file)}`;
}

/** Whether the journal has recorded a session's end past `from` (bytes). */
function sessionEndedSince(journal: string, from: number): boolean {
  if (!existsSync(journal)) return false;
  return readFileSync(journal).subarray(from).toString('utf8').includes('"type":"session-end"');
}
