// PEP 740 attestations: made with Sigstore, checked offline, in PyPI's upload format.
export { AttestationError, type AttestationStep } from "./errors.ts";
export { attestationFromBundle, type PypiAttestation } from "./pypi-attestation.ts";
export { attestDistribution, PUBLIC_SIGSTORE, type SigstoreEndpoints } from "./sign.ts";
export { buildPublishStatement, PYPI_PUBLISH_V1 } from "./statement.ts";
export { type AttestedFile, checkAttestationFile, verifyAttestation } from "./verify.ts";
