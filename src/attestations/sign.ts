// Signs a distribution's publish statement with Sigstore: an ephemeral key, a Fulcio certificate
// for the CI's OIDC identity, a Rekor entry; then converts the bundle into PEP 740's object.
import { bundleToJSON } from "@sigstore/bundle";
import { DSSEBundleBuilder, FulcioSigner, InternalError, RekorWitness } from "@sigstore/sign";
import { IN_TOTO_PAYLOAD_TYPE } from "./dsse.ts";
import { AttestationError } from "./errors.ts";
import { attestationFromBundle, type PypiAttestation } from "./pypi-attestation.ts";
import { buildPublishStatement } from "./statement.ts";
import { type AttestedFile, verifyAttestation } from "./verify.ts";

export interface SigstoreEndpoints {
  fulcioURL: string;
  rekorURL: string;
}

/** The public-good Sigstore instance, the one whose trust root PyPI verifies against. */
export const PUBLIC_SIGSTORE: SigstoreEndpoints = {
  fulcioURL: "https://fulcio.sigstore.dev",
  rekorURL: "https://rekor.sigstore.dev",
};

// Each request to Fulcio or Rekor: its timeout, and how often @sigstore/sign retries it after a
// network error, a 408, a 429 or a 5xx (with exponential backoff from 1 s).
const REQUEST_TIMEOUT_MS = 20_000;
const RETRIES = 2;

/**
 * Makes the PEP 740 publish attestation for one distribution file. `idToken` returns an OIDC
 * token for the audience `sigstore` from the same CI identity as the Trusted Publisher: PyPI
 * refuses attestations signed by any other identity.
 */
export async function attestDistribution(
  file: AttestedFile,
  idToken: () => Promise<string>,
  endpoints: SigstoreEndpoints = PUBLIC_SIGSTORE,
): Promise<PypiAttestation> {
  const statement = buildPublishStatement(file.filename, file.sha256);
  const builder = new DSSEBundleBuilder({
    signer: new FulcioSigner({
      identityProvider: { getToken: idToken },
      fulcioBaseURL: endpoints.fulcioURL,
      timeout: REQUEST_TIMEOUT_MS,
      retry: RETRIES,
    }),
    witnesses: [
      new RekorWitness({
        rekorBaseURL: endpoints.rekorURL,
        // A "dsse" entry: sigstore-python, which PyPI verifies with, accepts only dsse/0.0.1
        // (Rekor v1) or hashedrekord/0.0.2 (Rekor v2) entries for a DSSE envelope; an "intoto"
        // entry fails with "Unsupported DSSE log entry type".
        entryType: "dsse",
        // A retried POST whose first try did land is answered 409 with the entry's location;
        // fetch that entry instead of failing.
        fetchOnConflict: true,
        timeout: REQUEST_TIMEOUT_MS,
        retry: RETRIES,
      }),
    ],
  });

  let bundle: Awaited<ReturnType<DSSEBundleBuilder["create"]>>;
  try {
    bundle = await builder.create({ data: Buffer.from(statement), type: IN_TOTO_PAYLOAD_TYPE });
  } catch (error) {
    throw describeSigningFailure(file.filename, endpoints, error);
  }

  const converted = attestationFromBundle(bundleToJSON(bundle));
  if (!converted.ok) {
    throw new AttestationError(
      file.filename,
      "bundle",
      `unusable Sigstore bundle: ${converted.reason}`,
    );
  }
  // Check what Sigstore handed back before it goes to the registry.
  const check = verifyAttestation(converted.attestation, file);
  if (!check.ok) {
    throw new AttestationError(
      file.filename,
      "bundle",
      `the signed attestation does not verify: ${check.reason}`,
    );
  }
  return converted.attestation;
}

function describeSigningFailure(
  file: string,
  endpoints: SigstoreEndpoints,
  error: unknown,
): AttestationError {
  if (!(error instanceof InternalError)) {
    return new AttestationError(file, "bundle", `signing failed: ${messageOf(error)}`, undefined, {
      cause: error,
    });
  }
  const answer = describeAnswer(error.cause);
  switch (error.code) {
    case "IDENTITY_TOKEN_READ_ERROR":
      return new AttestationError(
        file,
        "identity-token",
        `could not get an OIDC identity token for Sigstore: ${messageOf(error.cause)}`,
        undefined,
        { cause: error.cause },
      );
    case "IDENTITY_TOKEN_PARSE_ERROR":
      // @sigstore/sign puts the whole token in this error's message: never pass it on.
      return new AttestationError(
        file,
        "identity-token",
        "the OIDC identity token is not a JWT with a 'sub' claim (or a verified 'email')",
      );
    case "CA_CREATE_SIGNING_CERTIFICATE_ERROR":
      return new AttestationError(
        file,
        "certificate",
        `Fulcio (${endpoints.fulcioURL}) did not issue a signing certificate: ${answer}. Fulcio accepts tokens from known CI issuers whose audience is 'sigstore'`,
        endpoints.fulcioURL,
        { cause: error.cause },
      );
    case "TLOG_CREATE_ENTRY_ERROR":
    case "TLOG_FETCH_ENTRY_ERROR":
      return new AttestationError(
        file,
        "transparency-log",
        `Rekor (${endpoints.rekorURL}) did not record the signature: ${answer}`,
        endpoints.rekorURL,
        { cause: error.cause },
      );
    default:
      return new AttestationError(file, "bundle", `signing failed: ${error.message}`, undefined, {
        cause: error.cause,
      });
  }
}

// @sigstore/sign's HTTPError reads "(<status>) <message from the JSON body>"; a network failure
// is make-fetch-happen's FetchError.
function describeAnswer(cause: unknown): string {
  const status = (cause as { statusCode?: unknown } | undefined)?.statusCode;
  if (typeof status === "number") return `HTTP ${messageOf(cause)}`;
  return messageOf(cause);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
