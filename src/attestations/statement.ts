// The in-toto Statement a PyPI publish attestation signs (PEP 740; in-toto Statement v1).

export const IN_TOTO_STATEMENT_V1 = "https://in-toto.io/Statement/v1";

/** PyPI's publish predicate (docs.pypi.org/attestations/publish/v1). */
export const PYPI_PUBLISH_V1 = "https://docs.pypi.org/attestations/publish/v1";

/** SLSA provenance: the other predicate type PyPI accepts at upload. */
export const SLSA_PROVENANCE_V1 = "https://slsa.dev/provenance/v1";

/** The predicate types Warehouse accepts (`SUPPORTED_ATTESTATION_TYPES`, at most one of each). */
export const PYPI_PREDICATE_TYPES: readonly string[] = [PYPI_PUBLISH_V1, SLSA_PROVENANCE_V1];

const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * The statement's bytes, in canonical JSON (RFC 8785): no whitespace, keys in code-unit order.
 * These exact bytes are the DSSE payload; PyPI keeps them as they are signed.
 *
 * The predicate is `{}`: PyPI's publish/v1 page says the predicate "MUST be either empty or
 * not supplied", and in-toto v1 types `predicate` as an object. (pypi-attestations itself
 * writes `"predicate": null`; PyPI accepts both.)
 */
export function buildPublishStatement(filename: string, sha256: string): Uint8Array {
  const digest = sha256.toLowerCase();
  if (!SHA256_HEX.test(digest)) {
    throw new RangeError(`sha256 of ${filename} must be 64 hex digits, got '${sha256}'`);
  }
  if (filename === "" || filename.includes("/") || filename.includes("\\")) {
    throw new RangeError(`the subject must be a bare file name, got '${filename}'`);
  }
  // Keys are written in sorted order ("_type" < "predicate" < "predicateType" < "subject",
  // "digest" < "name"), and JSON.stringify escapes strings as RFC 8785 requires: the result is
  // the canonical form.
  const statement = {
    _type: IN_TOTO_STATEMENT_V1,
    predicate: {},
    predicateType: PYPI_PUBLISH_V1,
    subject: [{ digest: { sha256: digest }, name: filename }],
  };
  return new TextEncoder().encode(JSON.stringify(statement));
}
