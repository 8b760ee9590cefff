// Case 5: what starting the CLI costs over starting Node itself (`node dist/cli.js --help` loads
// and parses the whole bundle, then prints).
import { type BenchContext, interleave, peakRss, wallTimes } from "./clients.ts";
import { timeCommand } from "./processes.ts";
import { atMost, type CaseResult, peakMiB, ratioOf, seconds } from "./report.ts";

const RUNS = 10;
const HELP = "pypush --help";
const NODE = "node -e 0";

export async function startupCase(context: BenchContext): Promise<CaseResult> {
  const commands: Record<string, string[]> = {
    [HELP]: [context.cli, "--help"],
    [NODE]: ["-e", "0"],
  };
  const runs = await interleave(
    Object.keys(commands),
    { runs: RUNS, warmups: 1 },
    (name) => timeCommand(process.execPath, commands[name] as string[]),
    () => {},
  );
  const wall = { [HELP]: seconds(wallTimes(runs[HELP])), [NODE]: seconds(wallTimes(runs[NODE])) };
  const memory = { [HELP]: peakMiB(peakRss(runs[HELP])), [NODE]: peakMiB(peakRss(runs[NODE])) };
  const ratio = ratioOf(HELP, NODE, wall);
  return {
    id: "5",
    title: "start-up",
    columns: [HELP, NODE],
    rows: [
      { measure: `wall, median of ${RUNS}`, values: wall, ratio, target: atMost(ratio?.value, 2) },
      { measure: "peak RSS", values: memory, ratio: ratioOf(HELP, NODE, memory) },
    ],
    notes: [`node ${process.version}`],
  };
}
