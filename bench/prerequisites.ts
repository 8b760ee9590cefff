// What the bench needs on the machine: the built CLI, twine, /usr/bin/time and (optionally) curl.
// Missing Debian tools are installed with apt-get when running as root, as on the project's
// machines; elsewhere the bench says what to install.
import { spawn } from "node:child_process";
import { access, constants } from "node:fs/promises";
import { delimiter, join } from "node:path";

/** A tool the bench cannot run without, and how to get it. */
export class MissingToolError extends Error {
  constructor(
    readonly tool: string,
    readonly hint: string,
  ) {
    super(`${tool} is missing: ${hint}`);
    this.name = "MissingToolError";
  }
}

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export async function findCommand(name: string): Promise<string | undefined> {
  if (name.includes("/")) return (await isExecutable(name)) ? name : undefined;
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (dir && (await isExecutable(join(dir, name)))) return join(dir, name);
  }
  return undefined;
}

/** Runs a command with the bench's own output; resolves to its exit code. */
export function runVisible(command: string, args: readonly string[]): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "inherit", "inherit"] });
    child.once("error", reject);
    child.once("close", resolve);
  });
}

/**
 * The path of `command`, installing the Debian package that ships it if it is missing and the
 * bench runs as root; undefined when it cannot be had.
 */
export async function ensureDebianCommand(
  command: string,
  debianPackage: string,
  log: (line: string) => void,
): Promise<string | undefined> {
  const found = await findCommand(command);
  if (found) return found;
  if (process.getuid?.() !== 0 || !(await findCommand("apt-get"))) return undefined;
  log(`${command} is missing: apt-get install -y ${debianPackage}`);
  const install = () => runVisible("apt-get", ["install", "-y", "-q", debianPackage]);
  // A fresh machine may have no package lists yet.
  if ((await install()) !== 0) {
    await runVisible("apt-get", ["update", "-q"]);
    await install();
  }
  return findCommand(command);
}

export async function ensureBuiltCli(cli: string, log: (line: string) => void): Promise<void> {
  try {
    await access(cli, constants.R_OK);
    return;
  } catch {
    log(`${cli} is missing: npm run build`);
  }
  if ((await runVisible("npm", ["run", "build"])) !== 0) {
    throw new MissingToolError(cli, "npm run build failed; fix the build and run the bench again");
  }
}
