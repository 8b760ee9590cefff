// Step 2, inspect: reads every candidate's metadata and digests and checks it, collecting every
// problem in every file. Nothing is sent until this returns no problems.

import { computeDigests } from "./digests.ts";
import type { Candidate } from "./discover.ts";
import type { Distribution, DistributionProblem } from "./distribution.ts";
import { parseFilename } from "./filename.ts";
import { parseCoreMetadata } from "./metadata.ts";
import { readSdistMetadata } from "./sdist.ts";
import { validateDistribution } from "./validate.ts";
import { readWheelMetadata } from "./wheel.ts";

const INSPECT_CONCURRENCY = 4;

export interface InspectOptions {
  md5: boolean;
  verifyMetadata: boolean;
  /** Warehouse's rule: sdists are named `{normalized_name}-{normalized version}.tar.gz`. */
  pep625: boolean;
}

export interface Inspection {
  distributions: Distribution[];
  problems: DistributionProblem[];
  /** Mismatches between file name and metadata, when not verifying metadata. */
  warnings: DistributionProblem[];
}

export async function inspectDistributions(
  candidates: readonly Candidate[],
  options: InspectOptions,
): Promise<Inspection> {
  // A few files at a time: each holds its read buffers while it is inspected.
  const results: Awaited<ReturnType<typeof inspectOne>>[] = new Array(candidates.length);
  let next = 0;
  const inspectNext = async () => {
    while (next < candidates.length) {
      const index = next++;
      results[index] = await inspectOne(candidates[index] as Candidate, options);
    }
  };
  const workers = Math.min(INSPECT_CONCURRENCY, candidates.length);
  await Promise.all(Array.from({ length: workers }, inspectNext));
  const inspection: Inspection = { distributions: [], problems: [], warnings: [] };
  for (const result of results) {
    if ("problems" in result) inspection.problems.push(...result.problems);
    else {
      inspection.distributions.push(result.distribution);
      inspection.warnings.push(...result.warnings);
    }
  }
  return inspection;
}

async function inspectOne(
  candidate: Candidate,
  options: InspectOptions,
): Promise<
  | { distribution: Distribution; warnings: DistributionProblem[] }
  | { problems: DistributionProblem[] }
> {
  const about = (messages: string[]) =>
    messages.map((message) => ({ file: candidate.path, message }));
  const fail = (messages: string[]) => ({ problems: about(messages) });
  const parsed = parseFilename(candidate.filename);
  if (!parsed.ok) return fail([parsed.problem]);
  if (candidate.size === 0) return fail(["the file is empty"]);
  const read =
    parsed.filename.kind === "wheel"
      ? await readWheelMetadata(candidate.path, candidate.size)
      : await readSdistMetadata(candidate.path);
  if (!read.ok) return fail(read.problems);
  const metadata = parseCoreMetadata(read.metadata);
  const where = parsed.filename.kind === "wheel" ? "METADATA" : "PKG-INFO";
  if (!metadata.ok) return fail(metadata.problems.map((problem) => `${where}: ${problem}`));
  const mismatches = validateDistribution(parsed.filename, metadata.metadata, options);
  if (mismatches.length > 0 && options.verifyMetadata) return fail(mismatches);
  return {
    distribution: {
      path: candidate.path,
      filename: candidate.filename,
      size: candidate.size,
      parsed: parsed.filename,
      metadata: metadata.metadata,
      digests: await computeDigests(candidate.path, candidate.size, options.md5),
    },
    warnings: about(mismatches),
  };
}
