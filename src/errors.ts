// The errors pypush ends with. Each carries what a user needs to act; the entrypoint prints them.
import type { DistributionProblem } from "./distributions/distribution.ts";

/** Bad options or environment: nothing was sent (exit 2). */
export class UsageError extends Error {
  override readonly name = "UsageError";
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

/** One or more files failed inspection: nothing was sent (exit 2). */
export class InvalidDistributionsError extends Error {
  override readonly name = "InvalidDistributionsError";
  constructor(readonly problems: readonly DistributionProblem[]) {
    const files = new Set(problems.map((problem) => problem.file)).size;
    super(
      `${problems.length} problem${problems.length === 1 ? "" : "s"} in ${files} file${files === 1 ? "" : "s"}; nothing was uploaded`,
    );
  }
}

/** Credentials could not be obtained for the target (exit 1 when the cause is remote, else 2). */
export class CredentialsError extends Error {
  override readonly name = "CredentialsError";
  constructor(
    message: string,
    readonly hint: string | undefined,
    readonly exitCode: 1 | 2,
  ) {
    super(message);
  }
}

export function exitCodeOf(error: unknown): 1 | 2 {
  if (error instanceof UsageError || error instanceof InvalidDistributionsError) return 2;
  if (error instanceof CredentialsError) return error.exitCode;
  return 1;
}
