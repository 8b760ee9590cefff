// PEP 740's attestation object, and how a Sigstore bundle becomes one.
//
// The layout (packaging.python.org, "Index hosted attestations"; pypi-attestations'
// `Attestation`, which Warehouse validates uploads with):
//   { "version": 1,
//     "verification_material": { "certificate": base64(DER(leaf cert)),
//                                "transparency_entries": [ <Rekor TransparencyLogEntry> ] },
//     "envelope": { "statement": base64(DSSE payload), "signature": base64(DSSE signature) } }
// Each transparency entry is the protobuf-JSON form of Sigstore's TransparencyLogEntry, the same
// object a bundle holds in `verificationMaterial.tlogEntries[]` (pypi-attestations writes
// `LogEntry._to_rekor().to_dict()`). base64 is the standard alphabet with padding: Warehouse
// decodes with `base64.b64decode(value, validate=True)`.
import type { SerializedBundle } from "@sigstore/bundle";
import { IN_TOTO_PAYLOAD_TYPE } from "./dsse.ts";

export interface PypiAttestation {
  version: 1;
  verification_material: { certificate: string; transparency_entries: unknown[] };
  envelope: { statement: string; signature: string };
}

export type BundleConversion =
  | { ok: true; attestation: PypiAttestation }
  | { ok: false; reason: string };

/** The PEP 740 attestation carrying the same signature, certificate and log entries. */
export function attestationFromBundle(bundle: SerializedBundle): BundleConversion {
  const envelope = bundle.dsseEnvelope;
  if (envelope === undefined) {
    return { ok: false, reason: "the bundle signs a message, not a DSSE envelope" };
  }
  if (envelope.payloadType !== IN_TOTO_PAYLOAD_TYPE) {
    return {
      ok: false,
      reason: `the envelope's payload type is '${envelope.payloadType}', not ${IN_TOTO_PAYLOAD_TYPE}`,
    };
  }
  const [signature, ...others] = envelope.signatures;
  if (signature === undefined || others.length > 0) {
    return {
      ok: false,
      reason: `a PEP 740 envelope holds exactly one signature, the bundle has ${envelope.signatures.length}`,
    };
  }
  const material = bundle.verificationMaterial;
  // A v0.3 bundle holds the leaf alone; older ones a chain whose first certificate is the leaf.
  const certificate =
    material.certificate?.rawBytes ?? material.x509CertificateChain?.certificates[0]?.rawBytes;
  if (certificate === undefined) {
    return { ok: false, reason: "the bundle has no signing certificate (a bare key was used)" };
  }
  if (material.tlogEntries.length === 0) {
    return { ok: false, reason: "the bundle has no transparency log entry" };
  }
  return {
    ok: true,
    attestation: {
      version: 1,
      verification_material: {
        certificate,
        transparency_entries: material.tlogEntries.map(withoutUndefined),
      },
      envelope: { statement: envelope.payload, signature: signature.sig },
    },
  };
}

export type AttestationShape =
  | { ok: true; attestation: PypiAttestation }
  | { ok: false; reason: string };

/**
 * Checks a parsed JSON value has the layout PyPI validates on upload. Extra keys are allowed
 * (PEP 740: signers "may include additional keys"), as Warehouse's model ignores them.
 */
export function readAttestation(value: unknown): AttestationShape {
  if (!isRecord(value)) return { ok: false, reason: "an attestation must be a JSON object" };
  if (value.version !== 1) {
    return { ok: false, reason: `version must be 1, got ${JSON.stringify(value.version)}` };
  }
  const material = value.verification_material;
  if (!isRecord(material)) {
    return { ok: false, reason: "verification_material must be an object" };
  }
  if (!isBase64(material.certificate)) {
    return { ok: false, reason: "verification_material.certificate must be base64 (DER)" };
  }
  const entries = material.transparency_entries;
  if (!Array.isArray(entries) || entries.length === 0 || !entries.every(isRecord)) {
    return {
      ok: false,
      reason: "verification_material.transparency_entries must be a non-empty list of objects",
    };
  }
  const envelope = value.envelope;
  if (!isRecord(envelope)) return { ok: false, reason: "envelope must be an object" };
  if (!isBase64(envelope.statement) || envelope.statement === "") {
    return { ok: false, reason: "envelope.statement must be non-empty base64" };
  }
  if (!isBase64(envelope.signature) || envelope.signature === "") {
    return { ok: false, reason: "envelope.signature must be non-empty base64" };
  }
  return {
    ok: true,
    attestation: {
      version: 1,
      verification_material: {
        certificate: material.certificate,
        transparency_entries: entries,
      },
      envelope: { statement: envelope.statement, signature: envelope.signature },
    },
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

// Standard alphabet, padded to a multiple of 4: what Python's b64decode(validate=True) takes.
function isBase64(value: unknown): value is string {
  return (
    typeof value === "string" && value.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(value)
  );
}

// The serialized bundle marks absent protobuf fields as `undefined`; JSON drops them anyway, but
// the object handed on should be the one that will be sent.
function withoutUndefined(entry: object): unknown {
  return JSON.parse(JSON.stringify(entry));
}
