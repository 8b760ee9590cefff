// PyPI's check of the `attestations` upload field (PEP 740; Warehouse
// `warehouse/attestations/services.py`): only with trusted publishing, a non-empty JSON array
// of at most two attestation objects, one per predicate type, each naming the uploaded file and
// its sha256 in its statement. The signature itself is checked by the tests, not here.

const PREDICATE_TYPES = [
  "https://docs.pypi.org/attestations/publish/v1",
  "https://slsa.dev/provenance/v1",
];

export function attestationsError(
  value: string,
  viaTrustedPublishing: boolean,
  file: { filename: string; sha256: string },
): string | undefined {
  if (!viaTrustedPublishing) return "Attestations are only supported when using Trusted Publishing";
  const invalid = (why: string) => `Invalid attestations supplied during upload: ${why}`;
  let list: unknown;
  try {
    list = JSON.parse(value);
  } catch {
    return invalid("not JSON");
  }
  if (!Array.isArray(list) || list.length === 0) return invalid("expected a non-empty JSON array");
  if (list.length > 2) return invalid("at most two attestations per file");
  const seen = new Set<string>();
  for (const item of list as Record<string, unknown>[]) {
    const material = item?.verification_material as Record<string, unknown> | undefined;
    const envelope = item?.envelope as Record<string, unknown> | undefined;
    if (
      item?.version !== 1 ||
      typeof material?.certificate !== "string" ||
      !Array.isArray(material.transparency_entries) ||
      material.transparency_entries.length === 0 ||
      typeof envelope?.statement !== "string" ||
      typeof envelope.signature !== "string"
    ) {
      return invalid("an attestation lacks version 1, verification_material or envelope");
    }
    let statement: {
      predicateType?: string;
      subject?: { name?: string; digest?: { sha256?: string } }[];
    };
    try {
      statement = JSON.parse(Buffer.from(envelope.statement, "base64").toString("utf8"));
    } catch {
      return invalid("the statement is not base64 JSON");
    }
    const type = statement.predicateType ?? "";
    if (!PREDICATE_TYPES.includes(type)) return invalid(`unknown predicate type ${type}`);
    if (seen.has(type))
      return "Multiple attestations for the same file with the same predicate type";
    seen.add(type);
    const subject = statement.subject?.[0];
    if (statement.subject?.length !== 1 || subject?.digest?.sha256 !== file.sha256) {
      return invalid(`the statement's subject is not ${file.filename} with its sha256`);
    }
  }
  return undefined;
}
