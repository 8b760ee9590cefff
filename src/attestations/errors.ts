// Why an attestation could not be made. The entrypoint decides how to print it.

/** The step that failed: getting the OIDC token, the certificate, the log entry, or the result. */
export type AttestationStep = "identity-token" | "certificate" | "transparency-log" | "bundle";

export class AttestationError extends Error {
  override readonly name = "AttestationError";
  constructor(
    /** The distribution file being attested. */
    readonly file: string,
    readonly step: AttestationStep,
    message: string,
    /** The Sigstore service that answered (Fulcio or Rekor), when one did. */
    readonly serviceURL?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
