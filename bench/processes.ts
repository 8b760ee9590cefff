// Running the measured commands and the sink processes. Every client runs as its own process under
// /usr/bin/time, which reports the peak resident set (%M, KiB) of exactly that process; the wall
// time is taken here, from spawn to exit. Sinks run in processes of their own, so their CPU is not
// charged to a client (they still share the machine's cores).
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const TIME_BINARY = "/usr/bin/time";

export interface Run {
  wallMs: number;
  maxRssKiB: number;
}

/** A measured command exited non-zero: its numbers mean nothing, so the bench stops. */
export class CommandFailedError extends Error {
  constructor(
    readonly command: string,
    readonly exitCode: number | null,
    readonly output: string,
  ) {
    super(`${command} exited with ${exitCode ?? "a signal"}:\n${output.trimEnd()}`);
    this.name = "CommandFailedError";
  }
}

/** A sink process ended or printed no URL instead of announcing where it listens. */
export class SinkStartError extends Error {
  constructor(
    readonly command: string,
    readonly output: string,
  ) {
    super(`${command} did not start:\n${output.trimEnd()}`);
    this.name = "SinkStartError";
  }
}

/** Keeps the last `limit` characters of a process's output, for the error message. */
function outputTail(limit = 4000) {
  let text = "";
  return {
    add(chunk: Buffer) {
      text = (text + chunk.toString("utf8")).slice(-limit);
    },
    text: () => text,
  };
}

let timeDir: string | undefined;

/** Runs `command args` to completion under /usr/bin/time; throws CommandFailedError if it fails. */
export async function timeCommand(command: string, args: readonly string[]): Promise<Run> {
  timeDir ??= await mkdtemp(join(tmpdir(), "pypush-bench-time-"));
  const report = join(timeDir, "rss");
  const output = outputTail();
  const started = performance.now();
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(TIME_BINARY, ["-f", "%M", "-o", report, command, ...args], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout.on("data", output.add);
    child.stderr.on("data", output.add);
    child.once("error", reject);
    child.once("close", resolve);
  });
  const wallMs = performance.now() - started;
  const shown = [command, ...args].join(" ");
  if (exitCode !== 0) throw new CommandFailedError(shown, exitCode, output.text());
  // With -o, time writes "Command exited with non-zero status" lines there too; %M is the last.
  const lines = (await readFile(report, "utf8")).trim().split("\n");
  const maxRssKiB = Number(lines.at(-1));
  if (!Number.isFinite(maxRssKiB)) {
    throw new CommandFailedError(shown, exitCode, `unreadable ${TIME_BINARY} report: ${lines}`);
  }
  return { wallMs, maxRssKiB };
}

export async function removeTimeDir(): Promise<void> {
  if (timeDir) await rm(timeDir, { recursive: true, force: true });
  timeDir = undefined;
}

export interface SinkProcess {
  url: string;
  /** Set when the process ended before stop(): how it ended and the end of its stderr. */
  death(): string | undefined;
  stop(): Promise<void>;
}

/** A sink process ended while clients were uploading to it: their failures are its doing. */
export class SinkDiedError extends Error {
  constructor(
    readonly command: string,
    readonly death: string,
  ) {
    super(`${command} ended during the measurement: ${death}`);
    this.name = "SinkDiedError";
  }
}

/** Runs a client against a sink, blaming the sink if it is the one that failed. */
export async function uploadTo(sink: SinkProcess, upload: () => Promise<Run>): Promise<Run> {
  try {
    return await upload();
  } catch (error) {
    const death = sink.death();
    if (death) throw new SinkDiedError(sink.url, death);
    throw error;
  }
}

/**
 * Starts a server script (`node --import tsx script args`) that prints its upload URL as the
 * first line of stdout and serves until SIGTERM, as test/registry/main.ts and bench/sink.ts do.
 */
export async function startSinkProcess(
  script: string,
  args: readonly string[],
): Promise<SinkProcess> {
  const shown = ["node --import tsx", script, ...args].join(" ");
  const child = spawn(process.execPath, ["--import", "tsx", script, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output = outputTail();
  child.stderr.on("data", output.add);
  let stopping = false;
  let death: string | undefined;
  const exited = new Promise<void>((resolve) =>
    child.once("exit", (code, signal) => {
      if (!stopping) {
        death = `${signal ? `killed by ${signal}` : `exit code ${code}`}; stderr:\n${output.text()}`;
      }
      resolve();
    }),
  );
  const url = await new Promise<string>((resolve, reject) => {
    let stdout = "";
    const onData = (chunk: Buffer) => {
      stdout += chunk.toString("utf8");
      const newline = stdout.indexOf("\n");
      if (newline < 0) return;
      child.stdout.off("data", onData);
      // Keep draining: a full pipe would block the server.
      child.stdout.resume();
      resolve(stdout.slice(0, newline).trim());
    };
    child.stdout.on("data", onData);
    child.once("error", reject);
    exited.then(() => reject(new SinkStartError(shown, output.text() + stdout)));
  });
  return {
    url,
    death: () => death,
    async stop() {
      stopping = true;
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}
