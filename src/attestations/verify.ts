// Checks an attestation against the file it is for, as far as that can be done offline.
//
// What is checked here: the envelope's signature over the DSSE pre-authentication encoding, with
// the key of the certificate the attestation carries; that the statement is an in-toto v1
// Statement with exactly one subject naming this file with its sha256; and its predicate type.
//
// What is NOT checked, and is PyPI's job at upload: that the certificate chains to Sigstore's
// Fulcio root and was valid when the Rekor entry was integrated, that its identity is the
// project's Trusted Publisher, and that the transparency entry is really in Rekor (inclusion
// proof, checkpoint, signed entry timestamp). These need Sigstore's trust root, which pypush
// does not ship. A pass here means "well-formed, signed by this certificate, for this file".
import { verify as verifySignature, X509Certificate } from "node:crypto";
import { IN_TOTO_PAYLOAD_TYPE, preAuthEncoding } from "./dsse.ts";
import { type PypiAttestation, readAttestation } from "./pypi-attestation.ts";
import { IN_TOTO_STATEMENT_V1, PYPI_PREDICATE_TYPES, PYPI_PUBLISH_V1 } from "./statement.ts";
import { sameDistributionFile } from "./subject-name.ts";

export interface AttestedFile {
  filename: string;
  sha256: string;
}

type Check = { ok: true } | { ok: false; reason: string };

/** Verifies a publish attestation (predicate type PyPI publish/v1) for `file`. */
export function verifyAttestation(attestation: PypiAttestation, file: AttestedFile): Check {
  return examine(attestation, file, [PYPI_PUBLISH_V1]);
}

/**
 * Checks an attestation file found next to a distribution (`<file>.publish.attestation`, as
 * `pypi-attestations sign` writes them): JSON of PEP 740's layout, signed, for this file, with a
 * predicate type PyPI accepts.
 */
export function checkAttestationFile(
  json: string,
  file: AttestedFile,
): { ok: true; attestation: PypiAttestation } | { ok: false; reason: string } {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    return { ok: false, reason: `not JSON (${(error as Error).message})` };
  }
  const shape = readAttestation(value);
  if (!shape.ok) return shape;
  const check = examine(shape.attestation, file, PYPI_PREDICATE_TYPES);
  return check.ok ? shape : check;
}

function examine(
  attestation: PypiAttestation,
  file: AttestedFile,
  predicateTypes: readonly string[],
): Check {
  const shape = readAttestation(attestation);
  if (!shape.ok) return shape;
  const { verification_material: material, envelope } = shape.attestation;

  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(Buffer.from(material.certificate, "base64"));
  } catch {
    return { ok: false, reason: "verification_material.certificate is not a DER certificate" };
  }
  // Fulcio certifies ECDSA keys, and Sigstore's DSSE signatures are ECDSA with SHA-256 in DER.
  if (certificate.publicKey.asymmetricKeyType !== "ec") {
    return { ok: false, reason: "the certificate's key is not an ECDSA key" };
  }
  const statementBytes = Buffer.from(envelope.statement, "base64");
  const signed = preAuthEncoding(IN_TOTO_PAYLOAD_TYPE, statementBytes);
  const signature = Buffer.from(envelope.signature, "base64");
  if (!verifySignature("sha256", signed, certificate.publicKey, signature)) {
    return {
      ok: false,
      reason: "the envelope's signature does not verify with the certificate's key",
    };
  }

  let statement: unknown;
  try {
    statement = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(statementBytes));
  } catch {
    return { ok: false, reason: "the signed statement is not UTF-8 JSON" };
  }
  return examineStatement(statement, file, predicateTypes);
}

function examineStatement(
  statement: unknown,
  file: AttestedFile,
  predicateTypes: readonly string[],
): Check {
  if (typeof statement !== "object" || statement === null) {
    return { ok: false, reason: "the signed statement is not a JSON object" };
  }
  const { _type, subject, predicateType } = statement as Record<string, unknown>;
  if (_type !== IN_TOTO_STATEMENT_V1) {
    return { ok: false, reason: `the statement's _type is not ${IN_TOTO_STATEMENT_V1}` };
  }
  // Warehouse: "too many subjects in statement (must be exactly one)".
  if (!Array.isArray(subject) || subject.length !== 1) {
    return { ok: false, reason: "the statement must have exactly one subject" };
  }
  const { name, digest } = (subject[0] ?? {}) as Record<string, unknown>;
  if (typeof name !== "string" || !sameDistributionFile(name, file.filename)) {
    return {
      ok: false,
      reason: `the statement's subject is ${JSON.stringify(name)}, not ${file.filename}`,
    };
  }
  const sha256 = (digest as Record<string, unknown> | undefined)?.sha256;
  if (sha256 !== file.sha256.toLowerCase()) {
    return {
      ok: false,
      reason: `the statement's subject has sha256 ${JSON.stringify(sha256)}, but ${file.filename} has ${file.sha256}`,
    };
  }
  if (typeof predicateType !== "string" || !predicateTypes.includes(predicateType)) {
    return {
      ok: false,
      reason: `the statement's predicate type ${JSON.stringify(predicateType)} is not ${predicateTypes.join(" or ")}`,
    };
  }
  return { ok: true };
}
