// Case 1: a wheel and an sdist of a few hundred bytes, the everyday release: start-up, inspection
// and two small POSTs. Each tool has its own project and each run its own version, so no upload
// is a duplicate and the registry (kept warm across runs) answers 200 every time.
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { writeSdist, writeWheel } from "../test/fixtures/handmade.ts";
import {
  type BenchContext,
  type Client,
  interleave,
  pypush,
  startTestRegistry,
  twine,
  wallTimes,
} from "./clients.ts";
import { atMost, type CaseResult, ratioOf, seconds } from "./report.ts";

const RUNS = 5;
const WARMUPS = 1;

export async function smallFilesCase(context: BenchContext): Promise<CaseResult> {
  const clients: Record<string, Client> = { pypush: pypush(context), twine: twine(context) };
  const names = Object.keys(clients);
  const files = new Map<string, string[]>();
  for (const name of names) {
    for (let round = 0; round < WARMUPS + RUNS; round++) {
      const dir = join(context.workDir, "small", name, String(round));
      await mkdir(dir, { recursive: true });
      const spec = { name: `bench-small-${name}`, version: `1.0.${round}` };
      files.set(`${name}/${round}`, [await writeWheel(dir, spec), await writeSdist(dir, spec)]);
    }
  }

  const registry = await startTestRegistry(context);
  let runs: Awaited<ReturnType<typeof interleave>>;
  try {
    runs = await interleave(
      names,
      { runs: RUNS, warmups: WARMUPS },
      (name, round) =>
        (clients[name] as Client)(registry, files.get(`${name}/${round}`) as string[]),
      context.log,
    );
  } finally {
    await registry.stop();
  }
  const values = { pypush: seconds(wallTimes(runs.pypush)), twine: seconds(wallTimes(runs.twine)) };
  const ratio = ratioOf("pypush", "twine", values);
  return {
    id: "1",
    title: "wheel + sdist, small (~1 KiB each)",
    columns: names,
    rows: [
      {
        measure: `wall, median of ${RUNS}`,
        values,
        ratio,
        target: atMost(ratio?.value, 0.6),
      },
    ],
    notes: [
      "sink: test/registry/main.ts --personality pypiserver --discard-content, its own process; " +
        "it hashes each upload, which costs microseconds at this size",
    ],
  };
}
