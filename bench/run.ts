// `npm run bench [-- --quick]`: pypush against Debian's `twine upload` (and `curl -F` for the big
// file) in the same run, on the same local sinks, with the issue-6 targets beside each ratio.
// It measures and reports; it never fails on a missed target (it is not a test). It exits
// non-zero only when it could not measure: a tool missing, an upload refused.
//   1 wheel + sdist, small      2 one 1 GiB wheel      3 peak memory at 1 and 4 GiB
//   4 50 wheels at 200 ms latency                     5 start-up
// Tables go to stdout, progress to stderr, everything (with every run) to bench/results.json.
// --quick skips the 4 GiB file and the informational runs on the hashing test registry.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { cpus, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { bigFileCases } from "./case-big-file.ts";
import { manyFilesCase } from "./case-many-files.ts";
import { smallFilesCase } from "./case-small-files.ts";
import { startupCase } from "./case-startup.ts";
import type { BenchContext } from "./clients.ts";
import { ensureBuiltCli, ensureDebianCommand, MissingToolError } from "./prerequisites.ts";
import { removeTimeDir, TIME_BINARY } from "./processes.ts";
import { type CaseResult, renderTable } from "./report.ts";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const resultsPath = join(root, "bench", "results.json");
const log = (line: string) => process.stderr.write(`${line}\n`);

function firstLine(command: string, args: string[]): string {
  try {
    return (
      execFileSync(command, args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] })
        .split("\n")[0]
        ?.trim() ?? ""
    );
  } catch {
    return "unknown";
  }
}

async function prepare(quick: boolean): Promise<BenchContext> {
  const cli = join(root, "dist", "cli.js");
  await ensureBuiltCli(cli, log);
  if ((await ensureDebianCommand(TIME_BINARY, "time", log)) === undefined) {
    throw new MissingToolError(
      TIME_BINARY,
      "install Debian's `time` package (apt-get install time)",
    );
  }
  const twine = await ensureDebianCommand("twine", "twine", log);
  if (twine === undefined) {
    throw new MissingToolError("twine", "install Debian's `twine` package (apt-get install twine)");
  }
  const curl = await ensureDebianCommand("curl", "curl", log);
  const workDir = await mkdtemp(join(tmpdir(), "pypush-bench-"));
  return { root, cli, twine, curl, workDir, quick, log };
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { quick: { type: "boolean" } } });
  const quick = values.quick ?? false;
  const context = await prepare(quick);
  const { version } = JSON.parse(await readFile(join(root, "package.json"), "utf8"));
  const environment = {
    pypush: version as string,
    // dist/ is rebuilt often: which bundle was measured, and on top of which commit.
    cliSha256: createHash("sha256")
      .update(await readFile(context.cli))
      .digest("hex")
      .slice(0, 12),
    commit: firstLine("git", ["-C", root, "rev-parse", "--short", "HEAD"]),
    node: process.version,
    twine: firstLine(context.twine, ["--version"]),
    curl: context.curl ? firstLine(context.curl, ["--version"]) : "not installed",
    cpu: cpus()[0]?.model ?? "unknown",
    cores: cpus().length,
  };
  const startedAt = new Date();
  process.stdout.write(
    `pypush ${environment.pypush} (dist/cli.js sha256 ${environment.cliSha256}, commit ${environment.commit}) vs ${environment.twine.split(" (")[0]}` +
      `, node ${environment.node}, ${environment.cores} cores${quick ? ", --quick" : ""}\n` +
      "Clients and sinks are separate processes sharing these cores. Targets are issue 6's; " +
      "a missed one is reported, not failed.\n\n",
  );

  const results: CaseResult[] = [];
  const show = (result: CaseResult) => {
    results.push(result);
    process.stdout.write(`${renderTable(result)}\n\n`);
  };
  try {
    log("case 1: wheel + sdist, small");
    show(await smallFilesCase(context));
    log("cases 2 and 3: big files");
    const [transfer, memory] = await bigFileCases(context);
    show(transfer);
    show(memory);
    log("case 4: 50 wheels, 200 ms latency");
    show(await manyFilesCase(context));
    log("case 5: start-up");
    show(await startupCase(context));
  } finally {
    await rm(context.workDir, { recursive: true, force: true });
    await removeTimeDir();
  }

  const seconds = (Date.now() - startedAt.getTime()) / 1000;
  const targets = results.flatMap((result) => result.rows.flatMap((row) => row.target ?? []));
  process.stdout.write(
    `${targets.filter((target) => target.met).length} of ${targets.length} targets met; ` +
      `bench took ${seconds.toFixed(0)} s; results in bench/results.json\n`,
  );
  await writeFile(
    resultsPath,
    `${JSON.stringify({ startedAt: startedAt.toISOString(), seconds, quick, environment, cases: results }, null, 2)}\n`,
  );
  return 0;
}

try {
  process.exitCode = await main();
} catch (error) {
  log(`bench: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
