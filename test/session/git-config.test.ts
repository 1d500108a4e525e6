import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { gitUserName } from '../../src/session/git-config.js';
import { operatorName } from '../../src/session/template.js';

// Git itself is the oracle: whatever the reader answers must be what `git config user.name`
// prints in the same folder with the same environment.
const root = mkdtempSync(join(tmpdir(), 'runbook-git-config-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let count = 0;
/** A home folder with `global` as ~/.gitconfig, and a repository in it whose .git/config ends with `local`. */
function setup(global: string | null, local: string | null, options: { xdg?: string } = {}) {
  const home = join(root, `case-${count++}`);
  mkdirSync(home);
  if (global !== null) writeFileSync(join(home, '.gitconfig'), global);
  if (options.xdg !== undefined) {
    mkdirSync(join(home, '.config', 'git'), { recursive: true });
    writeFileSync(join(home, '.config', 'git', 'config'), options.xdg);
  }
  const repo = join(home, 'repo');
  mkdirSync(join(repo, 'deep', 'er'), { recursive: true });
  const env = { HOME: home, PATH: '/usr/bin:/bin' };
  if (local !== null) {
    execFileSync('git', ['init', '-q', repo], { env });
    writeFileSync(join(repo, '.git', 'config'), `[core]\n\trepositoryformatversion = 0\n${local}`, { flag: 'w' });
  }
  return { env, repo, home };
}

/** What git prints for user.name there ('' when it prints nothing or fails, as the session takes it). */
function git(env: NodeJS.ProcessEnv, cwd: string): string {
  const result = spawnSync('git', ['config', 'user.name'], { cwd, env, encoding: 'utf8' });
  return result.status === 0 ? result.stdout.replace(/\n$/, '') : '';
}

const plain: Array<[string, string | null, string | null, { xdg?: string }?]> = [
  ['a name in ~/.gitconfig', '[user]\n\tname = Ada Lovelace\n', null],
  ['none anywhere', '[core]\n\teditor = vi\n', null],
  ['no ~/.gitconfig at all', null, null],
  ['the repository overrides the global name', '[user]\n\tname = Global\n', '[user]\n\tname = Local Name\n'],
  ['the last of several wins', '[user]\n\tname = First\n[user]\n\tname = Second\n', null],
  ['case-insensitive section and key', '[USER]\n\tNAME = Shouty\n', null],
  ['a comment after the value, runs of spaces and tabs', '[user]\n  name =   Grace \t Hopper   # the admiral\n', null],
  ['quotes keep spaces and comment characters', '[user]\n\tname = "  Quoted ; # name "\n', null],
  ['a variable on the header line', '[user] name = Same Line\n', null],
  ['a subsection is not user.name', '[user "work"]\n\tname = Work\n[user]\n\tname = Home\n', null],
  ['the old dotted subsection is not user.name either', '[user.name]\n\tname = Dotted\n', null],
  ['CRLF line ends', '[user]\r\n\tname = Windows Editor\r\n', null],
  ['an empty value', '[user]\n\tname =\n', null],
  ['other keys and sections around it', '; comment\n# comment\n[core]\n\tautocrlf = input\n[user]\n\temail = a@b.c\n\tname = With Email\n[alias]\n\tst = status\n', null],
  ['non-ASCII', '[user]\n\tname = Zoë Ångström 李\n', null],
  ['the XDG file, then ~/.gitconfig', '[user]\n\tname = From Home\n', null, { xdg: '[user]\n\tname = From XDG\n' }],
  ['the XDG file alone', null, null, { xdg: '[user]\n\tname = Only XDG\n' }],
];

describe('user.name read from git configuration files', () => {
  for (const [what, global, local, options] of plain) {
    it(`reads what git reads: ${what}`, () => {
      const { env, repo, home } = setup(global, local, options);
      for (const cwd of [home, repo, join(repo, 'deep', 'er')]) {
        const read = gitUserName(env, cwd);
        // On a machine whose git is the system's, these plain cases never need git.
        expect(read).toBeTypeOf('string');
        expect(read).toBe(git(env, cwd));
      }
    });
  }

  it('reads past GIT_ variables that do not move the configuration, as git does', () => {
    const { env, repo } = setup('[user]\n\tname = Behind A Proxy\n', '[user]\n\tname = In The Repo\n');
    const withHarmless = { ...env, GIT_SSL_CAINFO: '/etc/ssl/certs/ca-certificates.crt', GIT_TERMINAL_PROMPT: '0', GIT_SSH_COMMAND: 'ssh -o BatchMode=yes', GIT_AUTHOR_NAME: 'Someone Else', GIT_EDITOR: 'vi', GIT_PS1_SHOWDIRTYSTATE: '1' };
    for (const cwd of [env.HOME, repo]) {
      expect(gitUserName(withHarmless, cwd)).toBeTypeOf('string');
      expect(gitUserName(withHarmless, cwd)).toBe(git(withHarmless, cwd));
    }
  });

  const unsure: Array<[string, () => { env: NodeJS.ProcessEnv; cwd: string }]> = [
    ['an include', () => ({ ...cwdOf(setup('[include]\n\tpath = other\n[user]\n\tname = X\n', null)) })],
    ['a conditional include', () => cwdOf(setup('[includeIf "gitdir:~/"]\n\tpath = other\n', null))],
    ['a backslash in the value', () => cwdOf(setup('[user]\n\tname = Back\\\\slash\n', null))],
    ['an unclosed quote', () => cwdOf(setup('[user]\n\tname = "open\n', null))],
    ['a line git cannot read', () => cwdOf(setup('[user\n\tname = X\n', null))],
    ['per-worktree configuration', () => { const c = setup(null, '[extensions]\n\tworktreeConfig = true\n'); return { env: c.env, cwd: c.repo }; }],
    ...['GIT_CONFIG_GLOBAL', 'GIT_CONFIG_NOSYSTEM', 'GIT_CONFIG_COUNT', 'GIT_DIR', 'GIT_CEILING_DIRECTORIES', 'GIT_DISCOVERY_ACROSS_FILESYSTEM', 'GIT_SOMETHING_NEW'].map((name): [string, () => { env: NodeJS.ProcessEnv; cwd: string }] => [
      `${name} set`,
      () => { const c = cwdOf(setup('[user]\n\tname = X\n', null)); return { ...c, env: { ...c.env, [name]: '/dev/null' } }; },
    ]),
    ['git elsewhere on PATH', () => { const c = cwdOf(setup('[user]\n\tname = X\n', null)); const bin = join(c.cwd, 'bin'); mkdirSync(bin); symlinkSync('/usr/bin/git', join(bin, 'git')); return { ...c, env: { ...c.env, PATH: `${bin}:/usr/bin` } }; }],
    ['a .git file (a worktree or submodule)', () => { const c = setup('[user]\n\tname = X\n', null); mkdirSync(join(c.home, 'wt')); writeFileSync(join(c.home, 'wt', '.git'), `gitdir: ${join(c.home, 'elsewhere')}\n`); return { env: c.env, cwd: join(c.home, 'wt') }; }],
  ];
  for (const [what, make] of unsure) {
    it(`leaves it to git: ${what}`, () => {
      const { env, cwd } = make();
      expect(gitUserName(env, cwd)).toBeUndefined();
    });
  }

  it('names the operator as git does, whichever way it is read', async () => {
    const { env, repo } = setup('[include]\n\tpath = extra\n', null);
    writeFileSync(join(env.HOME, 'extra'), '[user]\n\tname = Included Name\n');
    expect(await operatorName(env, repo)).toBe('Included Name');
    const plainCase = setup('[user]\n\tname = Plain Name\n', null);
    expect(await operatorName(plainCase.env, plainCase.repo)).toBe('Plain Name');
  });
});

function cwdOf(c: { env: NodeJS.ProcessEnv; home: string }) {
  return { env: c.env, cwd: c.home };
}
