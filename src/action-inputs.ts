// The GitHub Action's inputs (action.yml) -> PublishRequest. Names and defaults follow
// pypa/gh-action-pypi-publish so switching is a one-line change. Pure: inputs come from a function.
import { UsageError } from "./errors.ts";
import { PYPI_UPLOAD_URL } from "./registries.ts";
import {
  type PublishRequest,
  parseAttestationMode,
  parseConcurrency,
  parseRetries,
  parseTimeout,
  parseUrlOption,
  sigstoreFromEnv,
} from "./request.ts";

/** Every input action.yml declares; the tests check the two lists agree. */
export const ACTION_INPUTS = [
  "user",
  "password",
  "repository-url",
  "packages-dir",
  "verify-metadata",
  "skip-existing",
  "verbose",
  "print-hash",
  "attestations",
  "check-url",
  "dry-run",
  "concurrency",
  "retries",
  "timeout",
  "ca-cert",
] as const;

export type ActionInput = (typeof ACTION_INPUTS)[number];

export interface ActionSettings {
  request: PublishRequest;
}

/** `input` returns the trimmed value, "" when unset (as @actions/core's getInput does). */
export function readActionInputs(
  input: (name: ActionInput) => string,
  env: Record<string, string | undefined>,
): ActionSettings {
  const flag = (name: ActionInput, fallback: boolean) => parseBoolean(input(name), name, fallback);
  const text = (name: ActionInput) => input(name) || undefined;
  const password = text("password");
  const checkUrl = text("check-url");
  const caCert = text("ca-cert");
  return {
    request: {
      paths: [input("packages-dir") || "dist"],
      repositoryUrl: parseUrlOption(input("repository-url") || PYPI_UPLOAD_URL, "repository-url"),
      credentials: { username: input("user") || "__token__", password },
      skipExisting: flag("skip-existing", false),
      checkUrl: checkUrl ? parseUrlOption(checkUrl, "check-url") : undefined,
      dryRun: flag("dry-run", false),
      verbose: flag("verbose", false),
      printHash: flag("print-hash", false),
      jsonReport: undefined,
      retries: parseRetries(text("retries"), "retries"),
      timeoutMs: parseTimeout(text("timeout"), "timeout"),
      concurrency: parseConcurrency(text("concurrency"), "concurrency"),
      verifyMetadata: flag("verify-metadata", true),
      caCertFiles: caCert ? [caCert] : [],
      attestations: parseAttestationMode(input("attestations") || "true", "input 'attestations'"),
      sigstore: sigstoreFromEnv(env),
    },
  };
}

// GitHub's own boolean inputs take the YAML 1.2 core schema words, nothing else.
const TRUE = ["true", "True", "TRUE"];
const FALSE = ["false", "False", "FALSE"];

export function parseBoolean(value: string, name: string, fallback: boolean): boolean {
  if (value === "") return fallback;
  if (TRUE.includes(value)) return true;
  if (FALSE.includes(value)) return false;
  throw new UsageError(
    `input '${name}' must be true or false, got '${value}'`,
    `write ${name}: true or ${name}: false`,
  );
}
