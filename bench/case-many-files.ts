// Case 4: fifty wheels to a registry that takes 200 ms to answer each upload, as a remote one
// does. twine sends them one after another; pypush sends the first alone and the rest
// --concurrency at a time (its default, and its maximum for comparison). Each tool and run has
// its own projects' versions.
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { DEFAULT_CONCURRENCY, MAX_CONCURRENCY } from "../src/request.ts";
import { writeWheel } from "../test/fixtures/handmade.ts";
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

const WHEELS = 50;
const LATENCY_MS = 200;
const RUNS = 3;

export async function manyFilesCase(context: BenchContext): Promise<CaseResult> {
  const clients: Record<string, Client> = {
    pypush: pypush(context),
    [`pypush -c${MAX_CONCURRENCY}`]: pypush(context, ["--concurrency", String(MAX_CONCURRENCY)]),
    twine: twine(context),
  };
  const names = Object.keys(clients);
  const files = new Map<string, string[]>();
  for (const [index, name] of names.entries()) {
    for (let round = 0; round < RUNS; round++) {
      const dir = join(context.workDir, "many", String(index), String(round));
      await mkdir(dir, { recursive: true });
      const wheels: string[] = [];
      for (let i = 0; i < WHEELS; i++) {
        wheels.push(
          await writeWheel(dir, { name: `pkg-${i}`, version: `${index + 1}.0.${round}` }),
        );
      }
      files.set(`${name}/${round}`, wheels);
    }
  }

  const registry = await startTestRegistry(context, ["--latency-ms", String(LATENCY_MS)]);
  let runs: Awaited<ReturnType<typeof interleave>>;
  try {
    runs = await interleave(
      names,
      { runs: RUNS, warmups: 0 },
      (name, round) =>
        (clients[name] as Client)(registry, files.get(`${name}/${round}`) as string[]),
      context.log,
    );
  } finally {
    await registry.stop();
  }
  const fast = names[1] as string;
  const byDefault = {
    pypush: seconds(wallTimes(runs.pypush)),
    twine: seconds(wallTimes(runs.twine)),
  };
  const byMax = { [fast]: seconds(wallTimes(runs[fast])), twine: byDefault.twine };
  const ratio = ratioOf("pypush", "twine", byDefault);
  // The latency alone: twine waits once per file; pypush once for the first file, then once per
  // batch of `concurrency` files.
  const floor = (concurrency: number) =>
    (LATENCY_MS * (1 + Math.ceil((WHEELS - 1) / concurrency))) / 1000;
  const twineFloor = (LATENCY_MS * WHEELS) / 1000;
  return {
    id: "4",
    title: `${WHEELS} wheels, registry latency ${LATENCY_MS} ms per upload`,
    columns: names,
    rows: [
      {
        measure: `wall, median of ${RUNS} (default --concurrency ${DEFAULT_CONCURRENCY})`,
        values: byDefault,
        ratio,
        target: atMost(ratio?.value, 0.3),
      },
      {
        measure: `wall, median of ${RUNS} (--concurrency ${MAX_CONCURRENCY})`,
        values: byMax,
        ratio: ratioOf(fast, "twine", byMax),
      },
    ],
    notes: [
      "sink: test/registry/main.ts --personality pypiserver --discard-content " +
        `--latency-ms ${LATENCY_MS}, its own process`,
      `latency floor: twine ${twineFloor.toFixed(1)} s, pypush ${floor(DEFAULT_CONCURRENCY).toFixed(1)} s ` +
        `(ratio ${(floor(DEFAULT_CONCURRENCY) / twineFloor).toFixed(2)}x) at --concurrency ` +
        `${DEFAULT_CONCURRENCY}, ${floor(MAX_CONCURRENCY).toFixed(1)} s at ${MAX_CONCURRENCY}`,
    ],
  };
}
