// An attestation check written from PEP 740 and DSSE v1 alone, independent of src/.
import { verify as verifySignature, X509Certificate } from "node:crypto";
import type { PypiAttestation } from "../../src/attestations/index.ts";

const PUBLISH_V1 = "https://docs.pypi.org/attestations/publish/v1";
const STATEMENT_V1 = "https://in-toto.io/Statement/v1";
const IN_TOTO_JSON = "application/vnd.in-toto+json";

// PEP 740 and DSSE v1, read independently of src/: decode the envelope, rebuild the PAE
// ("DSSEv1" SP len(type) SP type SP len(body) SP body), verify with the certificate's key,
// then read the statement.
export function independentlyVerify(
  attestation: PypiAttestation,
  file: { filename: string; sha256: string },
): string | undefined {
  const certificate = new X509Certificate(
    Buffer.from(attestation.verification_material.certificate, "base64"),
  );
  const body = Buffer.from(attestation.envelope.statement, "base64");
  const pae = Buffer.concat([
    Buffer.from(`DSSEv1 ${IN_TOTO_JSON.length} ${IN_TOTO_JSON} ${body.length} `),
    body,
  ]);
  const signature = Buffer.from(attestation.envelope.signature, "base64");
  if (!verifySignature("sha256", pae, certificate.publicKey, signature)) return "signature";
  const statement = JSON.parse(body.toString("utf8"));
  if (statement._type !== STATEMENT_V1) return "_type";
  if (statement.subject.length !== 1) return "subject count";
  if (statement.subject[0].name !== file.filename) return "subject name";
  if (statement.subject[0].digest.sha256 !== file.sha256) return "subject digest";
  if (statement.predicateType !== PUBLISH_V1) return "predicate type";
  return undefined;
}
