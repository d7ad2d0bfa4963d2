import path from 'node:path';
import { stdin, stderr, stdout } from 'node:process';
import { parseArgs } from 'node:util';
import dotenv from 'dotenv';
import { ROLES } from '../auth/roles.ts';
import { checkPassword, MIN_PASSWORD_LENGTH, roleSchema, UserError, usernameSchema, UserStore } from '../auth/users.ts';
import { ConfigError, loadConfig } from '../config.ts';

/**
 * Console accounts, in DATA_DIR/users.json:
 *
 *   npm run user -- add USERNAME --role ROLE [--name 名字]   password from stdin, or asked for on a terminal
 *   npm run user -- passwd USERNAME                          a new password (signs the user out everywhere)
 *   npm run user -- disable USERNAME | enable USERNAME
 *   npm run user -- list
 *
 * Exit 0 done; 1 a problem (the user exists or does not, a password too short, an unreadable
 * file), the reason on standard error; 2 bad arguments, with the usage.
 */
const USAGE = `usage: npm run user -- add USERNAME --role ${ROLES.join('|')} [--name NAME]
       npm run user -- passwd USERNAME
       npm run user -- disable USERNAME
       npm run user -- enable USERNAME
       npm run user -- list
The password is read from standard input (echo 'secret' | npm run user -- add …) or asked for on a terminal; at least ${MIN_PASSWORD_LENGTH} characters.`;

class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  dotenv.config({ quiet: true });
  let args;
  try {
    args = parseArgs({ args: argv, allowPositionals: true, options: { role: { type: 'string' }, name: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  } catch (error) {
    return usage((error as Error).message);
  }
  if (args.values.help) {
    stdout.write(`${USAGE}\n`);
    return 0;
  }
  const [command, username, ...extra] = args.positionals;
  let dataDir: string;
  try {
    dataDir = loadConfig(process.env).dataDir;
  } catch (error) {
    if (error instanceof ConfigError) return problem(`configuration error: ${error.message}`);
    throw error;
  }
  const users = new UserStore(path.join(dataDir, 'users.json'));
  try {
    if (!command) throw new UsageError('a command is required');
    if (extra.length) throw new UsageError(`unexpected argument ${extra[0]}`);
    if (command === 'list') {
      if (username) throw new UsageError('list takes no username');
      await users.open();
      for (const u of users.list()) stdout.write(`${u.username}\t${u.role}\t${u.disabled ? 'disabled' : 'active'}\t${u.displayName}\t${u.createdAt}\n`);
      if (!users.size) stderr.write('no users yet: npm run user -- add admin --role admin\n');
      return 0;
    }
    if (!['add', 'passwd', 'disable', 'enable'].includes(command)) throw new UsageError(`unknown command ${command}`);
    if (!username) throw new UsageError(`${command} needs a USERNAME`);
    const name = usernameSchema.safeParse(username);
    if (!name.success) throw new UsageError(`username ${username}: ${name.error.issues[0]!.message}`);
    if (command !== 'add' && (args.values.role || args.values.name)) throw new UsageError(`--role and --name are for add`);
    if (command === 'add') {
      const role = roleSchema.safeParse(args.values.role);
      if (!role.success) throw new UsageError(args.values.role ? `--role ${args.values.role}: expected one of ${ROLES.join(', ')}` : `add needs --role (${ROLES.join(', ')})`);
      await users.open();
      if (users.find(name.data)) return problem(`a user named ${name.data} already exists (npm run user -- passwd ${name.data} sets a new password)`);
      const password = await readPassword(`Password for ${name.data}: `);
      const user = await users.add({ username: name.data, role: role.data, password, ...(args.values.name ? { displayName: args.values.name } : {}) });
      stdout.write(`added ${user.username} (${user.role}, ${user.displayName})\n`);
      return 0;
    }
    await users.open();
    if (!users.find(name.data)) return problem(`no user named ${name.data} (npm run user -- list shows them)`);
    if (command === 'passwd') {
      await users.setPassword(name.data, await readPassword(`New password for ${name.data}: `));
      stdout.write(`password changed for ${name.data}; their sessions have ended\n`);
    } else {
      await users.setDisabled(name.data, command === 'disable');
      stdout.write(`${name.data} ${command === 'disable' ? 'disabled; their sessions end within seconds' : 'enabled'}\n`);
    }
    return 0;
  } catch (error) {
    if (error instanceof UsageError) return usage(error.message);
    if (error instanceof UserError) return problem(error.message);
    throw error;
  }
}

/** A password from a pipe (its first line), or typed at a terminal without echo. */
async function readPassword(prompt: string): Promise<string> {
  const password = stdin.isTTY ? await promptHidden(prompt) : await firstLine();
  checkPassword(password);
  return password;
}

async function firstLine(): Promise<string> {
  let text = '';
  for await (const chunk of stdin) {
    text += String(chunk);
    if (text.includes('\n')) break;
  }
  const line = text.split(/\r?\n/)[0] ?? '';
  if (!line) throw new UserError('no password on standard input (echo the password into the command, or run it in a terminal)');
  return line;
}

function promptHidden(prompt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    stderr.write(prompt);
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding('utf8');
    let typed = '';
    const done = (result: string | Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      stderr.write('\n');
      if (result instanceof Error) reject(result);
      else resolve(result);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return done(typed);
        if (ch === '\u0003') return done(new UserError('cancelled'));
        if (ch === '\u007f' || ch === '\b') typed = [...typed].slice(0, -1).join('');
        else typed += ch;
      }
    };
    stdin.on('data', onData);
  });
}

function usage(message: string): number {
  stderr.write(`user: ${message}\n${USAGE}\n`);
  return 2;
}

function problem(message: string): number {
  stderr.write(`user: ${message}\n`);
  return 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    stderr.write(`user: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
