// The measured clients, as commands, and how their runs are ordered. Each client run is a fresh
// process, as in CI: start-up is part of what a user waits for.
import { join } from "node:path";
import {
  type Run,
  type SinkProcess,
  startSinkProcess,
  timeCommand,
  uploadTo,
} from "./processes.ts";

export interface BenchContext {
  /** The project root (the parent of bench/). */
  root: string;
  /** dist/cli.js, the bundle that ships. */
  cli: string;
  twine: string;
  /** Absent when curl is not installed and could not be. */
  curl: string | undefined;
  /** A temp dir for fixtures, removed when the bench ends. */
  workDir: string;
  /** Skip the 4 GiB file and the informational runs on the hashing test registry. */
  quick: boolean;
  log(line: string): void;
}

/** One upload of `files` to the sink, timed; a failure is blamed on the sink if it died. */
export type Client = (sink: SinkProcess, files: readonly string[]) => Promise<Run>;

// Both tools get credentials: twine --non-interactive stops with "NonInteractive: Credential not
// found for username." without them. The pypiserver personality (no users configured) and
// bench/sink.ts accept any, so nothing is checked and both pay the same one header.
const CREDENTIALS = ["-u", "bench", "-p", "bench"];

export function pypush(context: BenchContext, extraArgs: readonly string[] = []): Client {
  return (sink, files) =>
    uploadTo(sink, () =>
      timeCommand(process.execPath, [
        context.cli,
        "--repository-url",
        sink.url,
        ...CREDENTIALS,
        ...extraArgs,
        ...files,
      ]),
    );
}

export function twine(context: BenchContext): Client {
  return (sink, files) =>
    uploadTo(sink, () =>
      timeCommand(context.twine, [
        "upload",
        "--non-interactive",
        "--disable-progress-bar",
        "--repository-url",
        sink.url,
        ...CREDENTIALS,
        ...files,
      ]),
    );
}

/** curl sends one file, with only the `:action` field: the floor for sending the bytes. */
export function curl(curlPath: string): Client {
  return (sink, files) =>
    uploadTo(sink, () =>
      timeCommand(curlPath, [
        "-s",
        "-f",
        "-o",
        "/dev/null",
        "-u",
        "bench:bench",
        "-F",
        ":action=file_upload",
        "-F",
        `content=@${files[0]}`,
        sink.url,
      ]),
    );
}

/**
 * Runs every client `runs` times after `warmups` untimed rounds, interleaved (one run of each per
 * round) and rotating which goes first, so drift on the machine touches every client alike.
 * `measure(name, round)` does one run; rounds count warm-ups too, so each run can use its own files.
 */
export async function interleave(
  names: readonly string[],
  options: { runs: number; warmups: number },
  measure: (name: string, round: number) => Promise<Run>,
  log: (line: string) => void,
): Promise<Record<string, Run[]>> {
  const results: Record<string, Run[]> = Object.fromEntries(names.map((name) => [name, []]));
  const rounds = options.warmups + options.runs;
  for (let round = 0; round < rounds; round++) {
    const order = names.map((_, i) => names[(i + round) % names.length] as string);
    for (const name of order) {
      const run = await measure(name, round);
      const warmup = round < options.warmups;
      log(
        `  ${name}: ${(run.wallMs / 1000).toFixed(3)} s, ${(run.maxRssKiB / 1024).toFixed(1)} MiB` +
          (warmup ? " (warm-up)" : ` (run ${round - options.warmups + 1}/${options.runs})`),
      );
      if (!warmup) results[name]?.push(run);
    }
  }
  return results;
}

/** The project's test registry in its own process, pypiserver-like, keeping no file content. */
export function startTestRegistry(
  context: BenchContext,
  extraArgs: readonly string[] = [],
): Promise<SinkProcess> {
  return startSinkProcess(join(context.root, "bench/test-registry.ts"), [
    "--personality",
    "pypiserver",
    "--discard-content",
    ...extraArgs,
  ]);
}

/** bench/sink.ts in its own process: reads and frames the body, hashes nothing. */
export function startDrainSink(context: BenchContext): Promise<SinkProcess> {
  return startSinkProcess(join(context.root, "bench/sink.ts"), []);
}

export const wallTimes = (runs: readonly Run[] | undefined) => (runs ?? []).map((r) => r.wallMs);
export const peakRss = (runs: readonly Run[] | undefined) => (runs ?? []).map((r) => r.maxRssKiB);
