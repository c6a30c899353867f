/**
 * @module cli
 * The `pbpages` command line. Each command is one module in `./commands/`,
 * named for the command and loaded lazily, so `pbpages backend` never loads the
 * page engine and adding a command touches no central table.
 */
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface Command {
  /** One line for `pbpages help`. */
  summary: string;
  /** Runs the command; resolves to the process exit code. */
  run(args: string[]): Promise<number>;
}

const commandsDir = new URL('./commands/', import.meta.url);

function commandUrl(name: string): URL | undefined {
  if (!/^[a-z][a-z-]*$/.test(name)) return undefined;
  const url = new URL(`${name}.js`, commandsDir);
  return existsSync(fileURLToPath(url)) ? url : undefined;
}

async function load(url: URL): Promise<Command> {
  return ((await import(url.href)) as { command: Command }).command;
}

async function help(): Promise<string> {
  const names = (existsSync(commandsDir) ? readdirSync(commandsDir) : [])
    .filter((file) => file.endsWith('.js'))
    .map((file) => file.slice(0, -'.js'.length))
    .sort();
  const lines = ['Usage: pbpages <command> [options]', '', 'Commands:'];
  for (const name of names) {
    lines.push(`  ${name.padEnd(10)}${(await load(new URL(`${name}.js`, commandsDir))).summary}`);
  }
  return lines.join('\n');
}

/** Runs the CLI with `argv` (without node and the script) and returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    console.log(await help());
    return name ? 0 : 1;
  }
  const url = commandUrl(name);
  if (!url) {
    console.error(`pbpages: unknown command "${name}".\n\n${await help()}`);
    return 1;
  }
  try {
    return await (await load(url)).run(rest);
  } catch (error) {
    // Start-up failures (a backend that will not start, a bad config) are messages for the user, not stack traces.
    console.error(`pbpages ${name}: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
