import { closeSync, openSync, writeSync } from 'node:fs';
import { applyEdits } from '../document/edits.js';
import { readSource } from '../document/source.js';
import { EXIT, UserError } from '../errors.js';
import { println, type Io } from '../io.js';
import { defaultSessionPath, operatorName, recordEdit, sessionRecord } from '../session/template.js';

/** `runbook new TEMPLATE [OUT]`: a dated session doc from a template; returns its path. */
export async function createSession(template: string, out: string | undefined, io: Io, now = new Date()): Promise<string> {
  const source = readSource(template);
  const target = out ?? defaultSessionPath(template, now);
  const record = sessionRecord(template, target, source.hash, now, await operatorName(io.env, io.cwd));
  let text: string;
  try {
    text = applyEdits(source.text, [recordEdit(source.text, record, source.eol)]);
  } catch (error) {
    throw new UserError(`${template}: ${(error as Error).message}`);
  }
  let fd: number;
  try {
    // `wx`: fail rather than overwrite a session doc that already exists.
    fd = openSync(target, 'wx', source.mode & 0o777);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new UserError(`${target} already exists; it is never overwritten (give another OUT)`);
    throw new UserError(`${target}: cannot create (${code})`);
  }
  writeSync(fd, Buffer.from(text, 'utf8'));
  closeSync(fd);
  return target;
}

export async function newCommand(template: string, out: string | undefined, io: Io): Promise<number> {
  const target = await createSession(template, out, io);
  println(io.stdout, `${target}: new session doc from ${template}`);
  return EXIT.ok;
}
