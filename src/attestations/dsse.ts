// DSSE (Dead Simple Signing Envelope, v1.0): what is actually signed.

/** The DSSE payload type of an in-toto Statement; PEP 740 envelopes always carry this one. */
export const IN_TOTO_PAYLOAD_TYPE = "application/vnd.in-toto+json";

/**
 * The pre-authentication encoding the signature covers:
 * "DSSEv1" SP len(type) SP type SP len(body) SP body, lengths in bytes as ASCII decimal.
 */
export function preAuthEncoding(payloadType: string, body: Uint8Array): Buffer {
  const type = Buffer.from(payloadType, "utf8");
  return Buffer.concat([
    Buffer.from(`DSSEv1 ${type.length} `, "ascii"),
    type,
    Buffer.from(` ${body.length} `, "ascii"),
    body,
  ]);
}
