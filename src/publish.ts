// The five steps: plan, inspect, authorize, upload, report. Nothing here knows GitHub or GitLab:
// what the CI says arrives as plain facts in PublishEnvironment.
import { planAttestations } from "./attestation-plan.ts";
import type { GitHubFacts } from "./ci/github.ts";
import { type GitLabFacts, gitlabTargetProject } from "./ci/gitlab.ts";
import type { IdTokenProvider } from "./credentials/oidc.ts";
import { resolveCredentials } from "./credentials/resolve.ts";
import { discoverDistributions } from "./distributions/discover.ts";
import type { Distribution } from "./distributions/distribution.ts";
import { inspectDistributions } from "./distributions/inspect.ts";
import { first } from "./distributions/metadata.ts";
import { InvalidDistributionsError, UsageError } from "./errors.ts";
import { type RegistryProfile, recognizeRegistry } from "./registries.ts";
import type { FileResult, PublishEvents, PublishReport } from "./report.ts";
import type { PublishRequest } from "./request.ts";
import type { Secrets } from "./secrets.ts";
import { createTransport } from "./upload/send.ts";
import { type FileOutcome, type UploadTarget, uploadFile } from "./upload/upload-file.ts";
import { USER_AGENT } from "./version.ts";

export interface PublishEnvironment {
  events: PublishEvents;
  secrets: Secrets;
  github: GitHubFacts | undefined;
  gitlab: GitLabFacts | undefined;
  idTokens: IdTokenProvider | undefined;
}

/** Base of the exponential backoff between attempts. */
const RETRY_BASE_MS = 1000;

export async function publish(
  request: PublishRequest,
  environment: PublishEnvironment,
): Promise<PublishReport> {
  const { events, secrets } = environment;
  const profile = recognizeRegistry(request.repositoryUrl);

  // 1 plan, 2 inspect: every problem in every file, before anything is sent.
  const discovery = await discoverDistributions(request.paths);
  const inspection = await inspectDistributions(discovery.candidates, {
    md5: profile.needsMd5,
    verifyMetadata: request.verifyMetadata,
    pep625: profile.warehouse,
  });
  for (const warning of inspection.warnings) events.warn(`${warning.file}: ${warning.message}`);
  const problems = [...discovery.problems, ...inspection.problems];
  if (problems.length > 0) throw new InvalidDistributionsError(problems);
  const distributions = sortForUpload(inspection.distributions);
  const report: PublishReport = {
    repositoryUrl: request.repositoryUrl.href,
    registry: profile.label,
    files: [],
  };
  if (request.dryRun) {
    for (const dist of distributions)
      finish(report, events, resultFor(dist, { kind: "would-upload" }));
    return report;
  }

  const transport = createTransport({
    timeoutMs: request.timeoutMs,
    userAgent: USER_AGENT,
    caCertFiles: request.caCertFiles,
  });
  try {
    // 3 authorize
    if (profile.readOnly) throw new UsageError(profile.readOnly.message, profile.readOnly.hint);
    const credentials = await resolveCredentials({
      explicit: request.credentials,
      profile,
      url: request.repositoryUrl,
      github: environment.github,
      gitlab: environment.gitlab,
      idTokens: environment.idTokens,
      transport,
      secrets,
    });
    if (credentials?.notice) events.info(`notice: ${credentials.notice}`);
    if (credentials) {
      events.info(`Publishing to ${request.repositoryUrl.href} with ${credentials.source}`);
    }
    if (request.repositoryUrl.protocol === "http:" && !isLoopback(request.repositoryUrl)) {
      events.warn(
        `${request.repositoryUrl.href} is plain http: files${credentials ? " and credentials" : ""} cross the network unencrypted; use https`,
      );
    }
    const attestations = await planAttestations(distributions, {
      mode: request.attestations,
      profile,
      credentials,
      sigstore: request.sigstore,
      events,
    });
    const indexUrl = request.checkUrl ?? profile.simpleIndexUrl;
    const sameOrigin = indexUrl?.origin === request.repositoryUrl.origin;
    const authorization = async () => credentials?.authorization();
    const target: UploadTarget = {
      url: request.repositoryUrl,
      profile,
      username: credentials?.username,
      attestations,
      diagnostics: {
        ...(credentials ? { credentialKind: credentials.kind } : {}),
        ...(environment.gitlab && profile.kind === "gitlab"
          ? { gitlabProjects: gitlabProjects(environment.gitlab, request.repositoryUrl) }
          : {}),
      },
      authorization,
      index: indexUrl && {
        url: indexUrl,
        // Credentials only go to the origin they were given for.
        authorization: async () => (sameOrigin ? authorization() : undefined),
      },
    };

    // 4 upload: the first file alone (it may create the project or release), then the rest in a
    // bounded pool. After a failure nothing new starts; every file's state is reported.
    const upload = async (dist: Distribution) => {
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
      finish(report, events, resultFor(dist, outcome, releaseUrl(profile, dist)));
      return outcome.kind !== "failed";
    };
    const [head, ...rest] = distributions;
    let healthy = head === undefined || (await upload(head));
    let next = 0;
    const worker = async () => {
      while (healthy && next < rest.length) {
        const dist = rest[next++] as Distribution;
        if (!(await upload(dist))) healthy = false;
      }
    };
    if (healthy) {
      await Promise.all(Array.from({ length: Math.min(request.concurrency, rest.length) }, worker));
    }
    const done = new Set(report.files.map((file) => file.filename));
    for (const dist of distributions) {
      if (!done.has(dist.filename)) report.files.push(resultFor(dist, { kind: "not-attempted" }));
    }
    return report;
  } finally {
    await transport.dispatcher.close();
  }
}

function finish(report: PublishReport, events: PublishEvents, result: FileResult) {
  report.files.push(result);
  events.fileFinished(result);
}

// Sdists first, then wheels, each in name order: registries that create the release on its first
// file see the same first file on every run.
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

/** The release page on PyPI / TestPyPI; other registries have no page pypush can name. */
export function releaseUrl(profile: RegistryProfile, dist: Distribution): string | undefined {
  if (!profile.isPypi) return undefined;
  const host = profile.kind === "testpypi" ? "https://test.pypi.org" : "https://pypi.org";
  const name = first(dist.metadata.headers, "name") ?? dist.parsed.name;
  const version = first(dist.metadata.headers, "version") ?? dist.parsed.version;
  return `${host}/project/${encodeURIComponent(name)}/${encodeURIComponent(version)}/`;
}

function gitlabProjects(gitlab: GitLabFacts, url: URL) {
  const target = gitlabTargetProject(url);
  const source = gitlab.projectPath ?? gitlab.projectId;
  // The same project named by id or by path is not another project.
  const same = target === gitlab.projectId || target === gitlab.projectPath;
  return { source, target: same ? source : target };
}

function isLoopback(url: URL): boolean {
  return (
    url.hostname === "localhost" || url.hostname === "[::1]" || url.hostname.startsWith("127.")
  );
}
