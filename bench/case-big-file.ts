// Cases 2 and 3: one 1 GiB wheel (pypush against twine and against plain curl -F) and pypush's
// peak memory for 1 GiB and 4 GiB. They share the sink and the 1 GiB file, which takes seconds to
// write. The sink is bench/sink.ts, not the test registry: see the note there and the row
// measured on the test registry below.
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { writeBigWheel } from "../test/fixtures/handmade.ts";
import {
  type BenchContext,
  type Client,
  curl,
  interleave,
  peakRss,
  pypush,
  startDrainSink,
  startTestRegistry,
  twine,
  wallTimes,
} from "./clients.ts";
import type { Run } from "./processes.ts";
import {
  atMost,
  type CaseResult,
  type Measured,
  peakMiB,
  type Row,
  ratioOf,
  seconds,
} from "./report.ts";

const GIB = 2 ** 30;
const RUNS = 3;
const MEMORY_LIMIT_MIB = 80;

export async function bigFileCases(context: BenchContext): Promise<[CaseResult, CaseResult]> {
  const clients: Record<string, Client> = { pypush: pypush(context), twine: twine(context) };
  if (context.curl) clients.curl = curl(context.curl);
  const names = Object.keys(clients);
  const dir = join(context.workDir, "big");
  await mkdir(dir, { recursive: true });

  let started = performance.now();
  const wheel = await writeBigWheel(dir, GIB);
  context.log(`  wrote a 1 GiB wheel in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  const sink = await startDrainSink(context);
  let runs: Record<string, Run[]>;
  let onRegistry: Record<string, Run> = {};
  let big: Run | undefined;
  try {
    runs = await interleave(
      names,
      { runs: RUNS, warmups: 0 },
      (name) => (clients[name] as Client)(sink, [wheel]),
      context.log,
    );
    if (!context.quick) {
      context.log("  the same file on the test registry, once per tool (a fresh registry each)");
      onRegistry = await onTestRegistry(context, clients, wheel);
    }
    await rm(wheel);
    if (!context.quick) {
      started = performance.now();
      const sparse = await writeBigWheel(dir, 4 * GIB, { sparse: true });
      context.log(
        `  wrote a sparse 4 GiB wheel in ${((performance.now() - started) / 1000).toFixed(1)} s`,
      );
      const run = await (clients.pypush as Client)(sink, [sparse]);
      context.log(
        `  pypush: ${(run.wallMs / 1000).toFixed(2)} s, ${(run.maxRssKiB / 1024).toFixed(1)} MiB`,
      );
      big = run;
      await rm(sparse);
    }
  } finally {
    await sink.stop();
  }

  const wall = Object.fromEntries(names.map((name) => [name, seconds(wallTimes(runs[name]))]));
  const versus = (other: string, limit: number): Row => {
    const values = { pypush: wall.pypush as Measured, [other]: wall[other] as Measured };
    const ratio = ratioOf("pypush", other, values);
    return {
      measure: `wall, median of ${RUNS}`,
      values,
      ratio,
      target: atMost(ratio?.value, limit),
    };
  };
  const transfer: CaseResult = {
    id: "2",
    title: "one 1 GiB wheel (non-sparse, pseudo-random data, in the page cache)",
    columns: names,
    rows: [versus("twine", 0.35), ...(context.curl ? [versus("curl", 2)] : [])],
    notes: [
      "sink: bench/sink.ts, its own process: reads every byte and checks Content-Length and the " +
        "multipart framing; no multipart parser, no hashing, nothing stored",
      ...(context.curl ? [] : ["curl is not installed: its row is skipped"]),
    ],
  };
  if (Object.keys(onRegistry).length > 0) {
    const values = Object.fromEntries(
      Object.entries(onRegistry).map(([name, run]) => [name, seconds([run.wallMs])]),
    );
    transfer.rows.push({
      measure: "wall, 1 run, on the test registry",
      values,
      ratio: ratioOf("pypush", "twine", values),
    });
    transfer.notes.push(
      "test registry row: pypiserver personality, --discard-content; it still computes sha256, " +
        "md5 and BLAKE2b-256 of every byte in its process, on the same 2 cores, so it sets the pace",
    );
  } else {
    transfer.notes.push("--quick: the run on the hashing test registry is skipped");
  }

  const oneGib = peakMiB(peakRss(runs.pypush));
  const memory: CaseResult = {
    id: "3",
    title: "peak memory (max RSS from /usr/bin/time) of pypush",
    columns: ["pypush", "twine"],
    rows: [
      {
        measure: `1 GiB, max of ${RUNS} runs`,
        values: { pypush: oneGib, twine: peakMiB(peakRss(runs.twine)) },
        target: atMost(oneGib.value, MEMORY_LIMIT_MIB, " MiB"),
      },
    ],
    notes: [],
  };
  if (big) {
    const fourGib = peakMiB([big.maxRssKiB]);
    const growth = fourGib.value / oneGib.value;
    memory.rows.push(
      {
        measure: "4 GiB sparse, 1 run",
        values: { pypush: fourGib },
        target: atMost(fourGib.value, MEMORY_LIMIT_MIB, " MiB"),
      },
      {
        measure: "4 GiB peak / 1 GiB peak",
        values: {},
        ratio: { of: "4 GiB / 1 GiB", value: growth },
        target: { text: "within 10%", met: Math.abs(growth - 1) <= 0.1 },
      },
    );
    memory.notes.push(
      "the 4 GiB wheel is sparse (its data entry is a hole that reads as zeros) to save disk; " +
        "pypush reads, hashes and sends every byte of it all the same. No wall time is shown: the " +
        "first read of a fresh sparse file also fills 4 GiB of page cache with zeros",
    );
  } else {
    memory.notes.push("--quick: the 4 GiB file is skipped");
  }
  return [transfer, memory];
}

/** One upload per client, each to a registry of its own (a second upload would be a duplicate). */
async function onTestRegistry(
  context: BenchContext,
  clients: Record<string, Client>,
  wheel: string,
): Promise<Record<string, Run>> {
  const results: Record<string, Run> = {};
  for (const [name, client] of Object.entries(clients)) {
    const registry = await startTestRegistry(context);
    try {
      results[name] = await client(registry, [wheel]);
    } finally {
      await registry.stop();
    }
    const run = results[name] as Run;
    context.log(
      `  ${name}: ${(run.wallMs / 1000).toFixed(2)} s, ${(run.maxRssKiB / 1024).toFixed(1)} MiB`,
    );
  }
  return results;
}
