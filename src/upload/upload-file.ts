// Step 4 for one file: send it, retry what is safe to retry, and settle what the answer means.
// An ambiguous failure (the body went out, no answer came back) is settled by reading the
// registry's index before re-sending, so a file is never sent twice over a blip.
import type { Distribution } from "../distributions/distribution.ts";
import type { RegistryProfile } from "../registries.ts";
import { buildMultipartBody } from "./body.ts";
import { buildUploadForm } from "./form.ts";
import { type IndexLookup, lookupFileInIndex } from "./index-lookup.ts";
import { type AnswerContext, classifyAnswer, withStatus } from "./outcome.ts";
import { postMultipart, type Transport } from "./send.ts";

export interface UploadTarget {
  url: URL;
  profile: RegistryProfile;
  username: string | undefined;
  /** What classifying an answer needs beyond the URL: credential kind, GitLab projects. */
  diagnostics: Pick<AnswerContext, "credentialKind" | "gitlabProjects">;
  /** The Authorization header for the next attempt (a minted token may be renewed in between). */
  authorization(): Promise<string | undefined>;
  /** The `attestations` field for each file that has one. */
  attestations: ReadonlyMap<string, string>;
  /** The simple index used to verify what the registry holds, and its Authorization header. */
  index: { url: URL; authorization(): Promise<string | undefined> } | undefined;
}

export interface UploadPolicy {
  skipExisting: boolean;
  retries: number;
  retryBaseMs: number;
}

export type FileOutcome =
  | { kind: "uploaded"; attempts: number; note?: string }
  | { kind: "skipped"; reason: string }
  | { kind: "failed"; message: string; hint: string | undefined };

export interface UploadObserver {
  onAttempt(attempt: number, reason: string | undefined): void;
  onProgress(sent: number, total: number): void;
}

/** Longest wait pypush accepts from a Retry-After header before giving up instead. */
const MAX_RETRY_AFTER_MS = 120_000;

export async function uploadFile(
  dist: Distribution,
  target: UploadTarget,
  policy: UploadPolicy,
  transport: Transport,
  observer: UploadObserver,
): Promise<FileOutcome> {
  const body = buildMultipartBody(
    buildUploadForm(dist, {
      md5: target.profile.needsMd5,
      attestations: target.attestations.get(dist.filename),
    }),
    dist,
  );
  const project = dist.parsed.name;
  const lookup = async (): Promise<IndexLookup> =>
    target.index
      ? lookupFileInIndex(
          transport,
          target.index.url,
          project,
          dist.filename,
          await target.index.authorization(),
        )
      : { kind: "unavailable", reason: "no index URL is known for this registry (--check-url)" };
  /** After an ambiguous failure: does the registry already hold exactly this file? */
  const arrived = async () => {
    const seen = await lookup();
    return seen.kind === "found" && seen.sha256 === dist.digests.sha256;
  };

  let ambiguous = false;
  let lastProblem = "";
  for (let attempt = 1; attempt <= policy.retries + 1; attempt++) {
    // The previous attempt may have arrived: look before sending it again.
    if (ambiguous && (await arrived())) {
      return { kind: "uploaded", attempts: attempt - 1, note: "the earlier attempt arrived" };
    }
    observer.onAttempt(attempt, attempt > 1 ? lastProblem : undefined);
    const sent = await postMultipart(
      transport,
      target.url,
      body,
      await target.authorization(),
      (bytes) => observer.onProgress(bytes, dist.size),
    );
    let waitMs: number | undefined;
    if (!sent.ok) {
      lastProblem = `network error: ${sent.message}`;
      if (sent.permanent) {
        return { kind: "failed", message: lastProblem, hint: sent.permanent };
      }
      ambiguous = ambiguous || sent.bodySent;
    } else {
      const answer = classifyAnswer(sent.answer, {
        profile: target.profile,
        url: target.url,
        username: target.username,
        ...target.diagnostics,
      });
      if (answer.kind === "uploaded") return { kind: "uploaded", attempts: attempt };
      if (answer.kind === "refused") {
        return {
          kind: "failed",
          message: withStatus(sent.answer.status, answer.message),
          hint: answer.hint,
        };
      }
      if (answer.kind === "exists") {
        return settleExisting(dist, target, policy, await lookup(), answer.message, ambiguous);
      }
      lastProblem = withStatus(sent.answer.status, answer.message);
      // A gateway error may come after the registry took the file.
      ambiguous = ambiguous || sent.answer.status === 502 || sent.answer.status === 504;
      waitMs = answer.retryAfterMs;
      if (waitMs !== undefined && waitMs > MAX_RETRY_AFTER_MS) {
        return {
          kind: "failed",
          message: `${lastProblem} (the registry asks to retry after ${Math.round(waitMs / 1000)} s)`,
          hint: "the registry is rate-limiting or in maintenance: run the upload again later",
        };
      }
    }
    if (attempt <= policy.retries) {
      await sleep(waitMs ?? backoffMs(policy.retryBaseMs, attempt));
    }
  }
  // The last attempt may have arrived too: look once more before calling it a failure.
  if (ambiguous && (await arrived())) {
    return { kind: "uploaded", attempts: policy.retries + 1, note: "the last attempt arrived" };
  }
  return {
    kind: "failed",
    message: `${lastProblem} (after ${policy.retries + 1} attempt${policy.retries === 0 ? "" : "s"})`,
    hint: "the registry or the network kept failing; run the upload again (files already uploaded are recognised with --skip-existing)",
  };
}

function settleExisting(
  dist: Distribution,
  target: UploadTarget,
  policy: UploadPolicy,
  seen: IndexLookup,
  message: string,
  retried: boolean,
): FileOutcome {
  const local = dist.digests.sha256;
  if (seen.kind === "found" && seen.sha256 !== undefined && seen.sha256 !== local) {
    return {
      kind: "failed",
      message: `${target.profile.label} already holds a different ${dist.filename} (its sha256 ${seen.sha256}, this file's ${local})`,
      hint: "a file name can only be published once: bump the version and build again",
    };
  }
  if (seen.kind === "found" && seen.sha256 === local) {
    if (retried) return { kind: "uploaded", attempts: 1, note: "an earlier attempt arrived" };
    if (policy.skipExisting)
      return { kind: "skipped", reason: "the registry already holds this exact file" };
    return {
      kind: "failed",
      message: `${dist.filename} is already on ${target.profile.label} (same sha256)`,
      hint: "pass --skip-existing to treat files that are already there as done",
    };
  }
  const unverified =
    seen.kind === "unavailable" ? ` (could not compare digests: ${seen.reason})` : "";
  if (retried) {
    return {
      kind: "failed",
      message: `the registry says ${dist.filename} exists after an interrupted attempt, and pypush cannot confirm it holds these bytes${unverified}`,
      hint: "check the file on the registry; pass --check-url with its simple index so pypush can compare digests",
    };
  }
  if (policy.skipExisting) {
    return {
      kind: "skipped",
      reason: `the registry says it already exists: ${message}${unverified}`,
    };
  }
  return {
    kind: "failed",
    message,
    hint: "the file is already on the registry: bump the version, or pass --skip-existing to skip files that are already there",
  };
}

/** Exponential backoff with jitter: base, 2x, 4x ... capped at 30 s. */
export function backoffMs(baseMs: number, attempt: number): number {
  const exponential = Math.min(30_000, baseMs * 2 ** (attempt - 1));
  return Math.round(exponential * (0.75 + Math.random() * 0.5));
}

function sleep(ms: number) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
