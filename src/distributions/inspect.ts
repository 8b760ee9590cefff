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

export interface Inspection {
  distributions: Distribution[];
  problems: DistributionProblem[];
}

export async function inspectDistributions(
  candidates: readonly Candidate[],
  options: { md5: boolean },
): Promise<Inspection> {
  const results = await Promise.all(
    candidates.map((candidate) => inspectOne(candidate, options.md5)),
  );
  const distributions: Distribution[] = [];
  const problems: DistributionProblem[] = [];
  for (const result of results) {
    if ("problems" in result) problems.push(...result.problems);
    else distributions.push(result);
  }
  return { distributions, problems };
}

async function inspectOne(
  candidate: Candidate,
  md5: boolean,
): Promise<Distribution | { problems: DistributionProblem[] }> {
  const fail = (messages: string[]) => ({
    problems: messages.map((message) => ({ file: candidate.path, message })),
  });
  const parsed = parseFilename(candidate.filename);
  if (!parsed.ok) return fail([parsed.problem]);
  if (candidate.size === 0) return fail(["the file is empty"]);
  const read =
    parsed.filename.kind === "wheel"
      ? await readWheelMetadata(candidate.path)
      : await readSdistMetadata(candidate.path);
  if (!read.ok) return fail(read.problems);
  const metadata = parseCoreMetadata(read.metadata);
  const where = parsed.filename.kind === "wheel" ? "METADATA" : "PKG-INFO";
  if (!metadata.ok) return fail(metadata.problems.map((problem) => `${where}: ${problem}`));
  const mismatches = validateDistribution(parsed.filename, metadata.metadata);
  if (mismatches.length > 0) return fail(mismatches);
  return {
    path: candidate.path,
    filename: candidate.filename,
    size: candidate.size,
    parsed: parsed.filename,
    metadata: metadata.metadata,
    digests: await computeDigests(candidate.path, md5),
  };
}
