// PEP 740 attestations for the files about to be uploaded: which files get one, from where (an
// adjacent `<file>.publish.attestation`, as uv uploads them, or signed here with Sigstore), and
// why not when not. Decided and made before the first upload: `required` fails early.
// The Sigstore client is loaded only when signing (dist/attestations.js, see scripts/build.mjs).
import { readFile } from "node:fs/promises";
import { checkAttestationFile } from "./attestations/verify.ts";
import type { Credentials } from "./credentials/resolve.ts";
import type { Distribution, DistributionProblem } from "./distributions/distribution.ts";
import { CredentialsError, InvalidDistributionsError } from "./errors.ts";
import type { RegistryProfile } from "./registries.ts";
import type { PublishEvents } from "./report.ts";

export type AttestationMode = "auto" | "off" | "required";

export interface AttestationContext {
  mode: AttestationMode;
  profile: RegistryProfile;
  credentials: Credentials | undefined;
  /** A private Sigstore deployment (SIGSTORE_FULCIO_URL / SIGSTORE_REKOR_URL); public otherwise. */
  sigstore: { fulcioURL: string; rekorURL: string } | undefined;
  events: PublishEvents;
}

/** The `attestations` form field (a JSON array) for each file name that gets one. */
export async function planAttestations(
  distributions: readonly Distribution[],
  context: AttestationContext,
): Promise<Map<string, string>> {
  const fields = new Map<string, string>();
  if (context.mode === "off") return fields;

  // Files signed elsewhere, beside the distribution: checked like the distribution itself.
  const problems: DistributionProblem[] = [];
  for (const dist of distributions) {
    const path = `${dist.path}.publish.attestation`;
    const text = await readFile(path, "utf8").catch(() => undefined);
    if (text === undefined) continue;
    const checked = checkAttestationFile(text, {
      filename: dist.filename,
      sha256: dist.digests.sha256,
    });
    if (checked.ok) fields.set(dist.filename, JSON.stringify([checked.attestation]));
    else
      problems.push({
        file: path,
        message: `not a valid attestation of ${dist.filename}: ${checked.reason}`,
      });
  }
  if (problems.length > 0) throw new InvalidDistributionsError(problems);

  const unsigned = distributions.filter((dist) => !fields.has(dist.filename));
  if (unsigned.length === 0) return fields;
  const impossible = whyNotSign(context);
  if (impossible) {
    if (context.mode === "required") {
      throw new CredentialsError(
        `attestations were required but cannot be made: ${impossible.reason}`,
        impossible.hint,
        2,
      );
    }
    // Only worth a line where attestations exist: Warehouse indexes.
    if (context.profile.warehouse)
      context.events.info(`attestations: not made (${impossible.reason})`);
    return fields;
  }

  const idTokens = context.credentials?.idTokens;
  if (!idTokens) return fields;
  // One Sigstore ID token signs every file (signing takes seconds; tokens live minutes).
  let sigstoreToken: string;
  try {
    sigstoreToken = await idTokens("sigstore");
  } catch (error) {
    const reason = `no OIDC token for the audience sigstore: ${(error as Error).message}`;
    const hint = error instanceof CredentialsError ? error.hint : undefined;
    if (context.mode === "required") {
      throw new CredentialsError(
        `attestations were required but cannot be made: ${reason}`,
        hint,
        2,
      );
    }
    context.events.info(`attestations: not made (${reason})${hint ? `\n  hint: ${hint}` : ""}`);
    return fields;
  }
  const { attestDistribution } = await import("./attestations/sign.ts");
  for (const dist of unsigned) {
    try {
      const attestation = await attestDistribution(
        { filename: dist.filename, sha256: dist.digests.sha256 },
        async () => sigstoreToken,
        context.sigstore,
      );
      fields.set(dist.filename, JSON.stringify([attestation]));
      context.events.info(`attestations: signed ${dist.filename} (PEP 740, Sigstore)`);
    } catch (error) {
      const message = `could not sign ${dist.filename}: ${(error as Error).message}`;
      if (context.mode === "required") {
        throw new CredentialsError(
          `attestations were required: ${message}`,
          "check that the job may request an OIDC token for the audience sigstore",
          1,
        );
      }
      context.events.warn(`attestations: ${message}; uploading without`);
    }
  }
  return fields;
}

function whyNotSign(context: AttestationContext): { reason: string; hint: string } | undefined {
  if (!context.profile.warehouse) {
    return {
      reason: `${context.profile.label} does not take PEP 740 attestations`,
      hint: "attestations are for PyPI and TestPyPI",
    };
  }
  if (context.credentials?.kind !== "trusted-publishing" || !context.credentials.idTokens) {
    return {
      reason: "PyPI takes attestations only with trusted publishing, not with an API token",
      hint: "publish with trusted publishing (no password; GitHub: permissions: id-token: write; GitLab: id_tokens)",
    };
  }
  return undefined;
}
