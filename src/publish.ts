// The five steps: plan, inspect, authorize, upload, report. Nothing here knows GitHub or GitLab.
import { basicAuthorization, resolveCredentials } from "./credentials/resolve.ts";
import { discoverDistributions } from "./distributions/discover.ts";
import type { Distribution } from "./distributions/distribution.ts";
import { inspectDistributions } from "./distributions/inspect.ts";
import { first } from "./distributions/metadata.ts";
import { InvalidDistributionsError } from "./errors.ts";
import { recognizeRegistry } from "./registries.ts";
import type { FileResult, PublishEvents, PublishReport } from "./report.ts";
import type { PublishRequest } from "./request.ts";
import { createTransport } from "./upload/send.ts";
import { type FileOutcome, type UploadTarget, uploadFile } from "./upload/upload-file.ts";

import { USER_AGENT } from "./version.ts";

/** Base of the exponential backoff between attempts. */
const RETRY_BASE_MS = 1000;

export async function publish(
  request: PublishRequest,
  events: PublishEvents,
): Promise<PublishReport> {
  const profile = recognizeRegistry(request.repositoryUrl);

  // 1 plan, 2 inspect: every problem in every file, before anything is sent.
  const discovery = await discoverDistributions(request.paths);
  const inspection = await inspectDistributions(discovery.candidates, { md5: profile.needsMd5 });
  const problems = [...discovery.problems, ...inspection.problems];
  if (problems.length > 0) throw new InvalidDistributionsError(problems);
  const distributions = sortForUpload(inspection.distributions);

  // 3 authorize
  const credentials = resolveCredentials(request.credentials, profile);
  const authorization = basicAuthorization(credentials);
  if (
    request.repositoryUrl.protocol === "http:" &&
    !isLoopback(request.repositoryUrl) &&
    credentials
  ) {
    events.warn(
      `${request.repositoryUrl.href} is plain http: the credentials and files cross the network unencrypted; use https`,
    );
  }
  const indexUrl = request.checkUrl ?? profile.simpleIndexUrl;
  const target: UploadTarget = {
    url: request.repositoryUrl,
    profile,
    username: credentials?.username,
    authorization: async () => authorization,
    index: indexUrl && {
      url: indexUrl,
      // Credentials only go where they were given for: the upload URL's origin.
      authorization: async () =>
        indexUrl.origin === request.repositoryUrl.origin ? authorization : undefined,
    },
  };
  const report: PublishReport = {
    repositoryUrl: request.repositoryUrl.href,
    registry: profile.label,
    files: [],
  };

  if (request.dryRun) {
    for (const dist of distributions) {
      const result = resultFor(dist, { kind: "would-upload" });
      report.files.push(result);
      events.fileFinished(result);
    }
    return report;
  }

  // 4 upload, one file after another; the first failure stops the rest, which are reported.
  const transport = createTransport({ timeoutMs: request.timeoutMs, userAgent: USER_AGENT });
  try {
    let failed = false;
    for (const dist of distributions) {
      if (failed) {
        report.files.push(resultFor(dist, { kind: "not-attempted" }));
        continue;
      }
      const outcome = await uploadFile(
        dist,
        target,
        {
          skipExisting: request.skipExisting,
          retries: request.retries,
          retryBaseMs: RETRY_BASE_MS,
        },
        transport,
        {
          onAttempt: (attempt, reason) => events.fileStarted(dist, attempt, reason),
          onProgress: (sent, total) => events.progress(dist, sent, total),
        },
      );
      const result = resultFor(
        dist,
        outcome,
        profile.isPypi ? releaseUrl(profile.kind, dist) : undefined,
      );
      report.files.push(result);
      events.fileFinished(result);
      failed = outcome.kind === "failed";
    }
  } finally {
    await transport.dispatcher.close();
  }
  return report;
}

// Upload sdists first, then wheels, each in name order: registries that create the release on
// its first file see the same first file on every run.
function sortForUpload(distributions: Distribution[]): Distribution[] {
  return [...distributions].sort(
    (a, b) =>
      (a.parsed.kind === "sdist" ? 0 : 1) - (b.parsed.kind === "sdist" ? 0 : 1) ||
      a.filename.localeCompare(b.filename),
  );
}

function resultFor(
  dist: Distribution,
  outcome: FileOutcome | { kind: "not-attempted" } | { kind: "would-upload" },
  url?: string,
): FileResult {
  const base: FileResult = {
    filename: dist.filename,
    path: dist.path,
    size: dist.size,
    sha256: dist.digests.sha256,
    blake2_256: dist.digests.blake2_256,
    outcome: outcome.kind,
  };
  switch (outcome.kind) {
    case "uploaded":
      return {
        ...base,
        ...(outcome.note ? { message: outcome.note } : {}),
        ...(url ? { url } : {}),
      };
    case "skipped":
      return { ...base, message: outcome.reason, ...(url ? { url } : {}) };
    case "failed":
      return { ...base, message: outcome.message, ...(outcome.hint ? { hint: outcome.hint } : {}) };
    default:
      return base;
  }
}

function releaseUrl(kind: string, dist: Distribution): string {
  const host = kind === "testpypi" ? "https://test.pypi.org" : "https://pypi.org";
  const name = first(dist.metadata.headers, "name") ?? dist.parsed.name;
  const version = first(dist.metadata.headers, "version") ?? dist.parsed.version;
  return `${host}/project/${encodeURIComponent(name)}/${encodeURIComponent(version)}/`;
}

function isLoopback(url: URL): boolean {
  return (
    ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname) || url.hostname.startsWith("127.")
  );
}
