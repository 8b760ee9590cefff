// PEP 740 attestations, signed against a local Fulcio and Rekor and checked two ways: with
// pypush's verifyAttestation, and with this file's own reading of PEP 740 and DSSE.
import assert from "node:assert/strict";
import {
  createHash,
  createSign,
  generateKeyPairSync,
  verify as verifySignature,
  X509Certificate,
} from "node:crypto";
import { after, before, describe, test } from "node:test";
import { bundleToJSON } from "@sigstore/bundle";
import { DSSEBundleBuilder, FulcioSigner, RekorWitness } from "@sigstore/sign";
import {
  AttestationError,
  attestationFromBundle,
  attestDistribution,
  buildPublishStatement,
  checkAttestationFile,
  type PypiAttestation,
  verifyAttestation,
} from "../src/attestations/index.ts";
import { sameDistributionFile } from "../src/attestations/subject-name.ts";
import { independentlyVerify } from "./support/pep740.ts";
import { type SigstoreStandIn, startSigstoreStandIn } from "./support/sigstore-stand-in.ts";

const PUBLISH_V1 = "https://docs.pypi.org/attestations/publish/v1";
const STATEMENT_V1 = "https://in-toto.io/Statement/v1";
const IN_TOTO_JSON = "application/vnd.in-toto+json";
const WORKFLOW = "https://github.com/octo/pkg/.github/workflows/release.yml@refs/heads/main";

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
const wheel = { filename: "pkg-1.0-py3-none-any.whl", sha256: sha256("wheel contents") };
const sdist = { filename: "pkg-1.0.tar.gz", sha256: sha256("sdist contents") };

// A CI identity token: an RS256 JWT from a local key, audience "sigstore" as Fulcio requires.
const issuerKey = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;
function identityToken(claims: Record<string, unknown> = {}): string {
  const b64url = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const now = Math.floor(Date.now() / 1000);
  const head = `${b64url({ alg: "RS256", typ: "JWT" })}.${b64url({
    iss: "https://token.actions.githubusercontent.com",
    aud: "sigstore",
    sub: WORKFLOW,
    iat: now,
    exp: now + 300,
    ...claims,
  })}`;
  return `${head}.${createSign("RSA-SHA256").update(head).sign(issuerKey).toString("base64url")}`;
}

// Signs any statement through the stand-in, as another tool (pypi-attestations, actions/attest)
// would, to try pypush's checks on attestations it did not make.
async function signStatement(sigstore: SigstoreStandIn, statement: object) {
  const builder = new DSSEBundleBuilder({
    signer: new FulcioSigner({
      identityProvider: { getToken: async () => identityToken() },
      fulcioBaseURL: sigstore.fulcioURL,
    }),
    witnesses: [new RekorWitness({ rekorBaseURL: sigstore.rekorURL, entryType: "dsse" })],
  });
  const bundle = await builder.create({
    data: Buffer.from(JSON.stringify(statement)),
    type: IN_TOTO_JSON,
  });
  const converted = attestationFromBundle(bundleToJSON(bundle));
  assert.ok(converted.ok);
  return converted.attestation;
}

function withStatement(attestation: PypiAttestation, statement: string): PypiAttestation {
  return {
    ...attestation,
    envelope: { ...attestation.envelope, statement: Buffer.from(statement).toString("base64") },
  };
}

describe("publish attestations (PEP 740)", () => {
  let sigstore: SigstoreStandIn;
  let attestation: PypiAttestation;

  before(async () => {
    sigstore = await startSigstoreStandIn();
    attestation = await attestDistribution(wheel, async () => identityToken(), sigstore);
  });
  after(() => sigstore.close());

  test("the statement is canonical JSON naming the file, its sha256 and PyPI's publish predicate", () => {
    const bytes = buildPublishStatement(wheel.filename, wheel.sha256.toUpperCase());
    assert.equal(
      Buffer.from(bytes).toString("utf8"),
      `{"_type":"${STATEMENT_V1}","predicate":{},"predicateType":"${PUBLISH_V1}","subject":[{"digest":{"sha256":"${wheel.sha256}"},"name":"${wheel.filename}"}]}`,
    );
  });

  test("a digest that is not 64 hex digits is refused before anything is signed", () => {
    assert.throws(() => buildPublishStatement(wheel.filename, "abc123"), RangeError);
  });

  test("the attestation has PEP 740's layout and verifies from the spec alone", () => {
    assert.deepEqual(Object.keys(attestation).sort(), [
      "envelope",
      "verification_material",
      "version",
    ]);
    assert.equal(attestation.version, 1);
    assert.deepEqual(Object.keys(attestation.envelope).sort(), ["signature", "statement"]);
    assert.deepEqual(
      Buffer.from(attestation.envelope.statement, "base64"),
      Buffer.from(buildPublishStatement(wheel.filename, wheel.sha256)),
    );
    assert.equal(independentlyVerify(attestation, wheel), undefined);
    assert.deepEqual(verifyAttestation(attestation, wheel), { ok: true });
  });

  test("the certificate is Fulcio's, issued for the identity in the token", () => {
    const leaf = new X509Certificate(
      Buffer.from(attestation.verification_material.certificate, "base64"),
    );
    const root = new X509Certificate(sigstore.fulcioRoot);
    assert.ok(leaf.checkIssued(root));
    assert.ok(leaf.verify(root.publicKey));
    assert.equal(leaf.subjectAltName, `URI:${WORKFLOW}`);
    assert.deepEqual(sigstore.received.fulcio.slice(0, 1), ["POST /api/v2/signingCert"]);
  });

  test("the transparency entry is Rekor's signed record of this envelope, in protobuf JSON", () => {
    const [entry, ...others] = attestation.verification_material.transparency_entries as {
      logIndex: string;
      logId: { keyId: string };
      kindVersion: { kind: string; version: string };
      integratedTime: string;
      inclusionPromise: { signedEntryTimestamp: string };
      inclusionProof: { checkpoint: { envelope: string } };
      canonicalizedBody: string;
    }[];
    assert.ok(entry);
    assert.equal(others.length, 0);
    assert.deepEqual(entry.kindVersion, { kind: "dsse", version: "0.0.1" });
    assert.match(entry.logIndex, /^\d+$/);
    assert.match(entry.integratedTime, /^\d+$/);
    assert.ok(entry.inclusionProof.checkpoint.envelope.length > 0);

    const body = JSON.parse(Buffer.from(entry.canonicalizedBody, "base64").toString("utf8"));
    const logged = JSON.parse(body.spec.proposedContent.envelope);
    assert.equal(logged.payload, attestation.envelope.statement);
    assert.equal(logged.payloadType, IN_TOTO_JSON);
    assert.equal(logged.signatures[0].sig, attestation.envelope.signature);

    // The signed entry timestamp covers canonical JSON of body, integratedTime, logID, logIndex.
    const signedEntry = JSON.stringify({
      body: entry.canonicalizedBody,
      integratedTime: Number(entry.integratedTime),
      logID: Buffer.from(entry.logId.keyId, "base64").toString("hex"),
      logIndex: Number(entry.logIndex),
    });
    const set = Buffer.from(entry.inclusionPromise.signedEntryTimestamp, "base64");
    assert.ok(verifySignature("sha256", Buffer.from(signedEntry), sigstore.rekorKey, set));
  });

  test("each file is attested on its own", async () => {
    const forSdist = await attestDistribution(sdist, async () => identityToken(), sigstore);
    assert.equal(independentlyVerify(forSdist, sdist), undefined);
    assert.equal(verifyAttestation(forSdist, wheel).ok, false);
  });

  test("an attestation does not verify for a file with another digest", () => {
    const changed = { ...wheel, sha256: sha256("other contents") };
    const result = verifyAttestation(attestation, changed);
    assert.equal(result.ok, false);
    assert.match(!result.ok ? result.reason : "", /sha256/);
    assert.equal(independentlyVerify(attestation, changed), "subject digest");
  });

  test("a statement changed after signing does not verify", () => {
    const forged = Buffer.from(attestation.envelope.statement, "base64")
      .toString("utf8")
      .replace(wheel.sha256, sdist.sha256);
    const tampered = withStatement(attestation, forged);
    const result = verifyAttestation(tampered, { ...wheel, sha256: sdist.sha256 });
    assert.deepEqual(result, {
      ok: false,
      reason: "the envelope's signature does not verify with the certificate's key",
    });
    assert.equal(independentlyVerify(tampered, { ...wheel, sha256: sdist.sha256 }), "signature");
  });

  test("a changed signature does not verify", () => {
    const signature = Buffer.from(attestation.envelope.signature, "base64");
    signature[signature.length - 1] = (signature.at(-1) ?? 0) ^ 0x01;
    const tampered = {
      ...attestation,
      envelope: { ...attestation.envelope, signature: signature.toString("base64") },
    };
    assert.equal(verifyAttestation(tampered, wheel).ok, false);
    assert.equal(independentlyVerify(tampered, wheel), "signature");
  });

  test("an identity token that is not a JWT fails at the token step and is never echoed", async () => {
    const token = "not-a-jwt-secret-value";
    const error = await attestDistribution(wheel, async () => token, sigstore).catch((e) => e);
    assert.ok(error instanceof AttestationError);
    assert.equal(error.step, "identity-token");
    assert.equal(error.file, wheel.filename);
    assert.doesNotMatch(`${error.message} ${String(error.cause)}`, /secret-value/);
  });

  test("a failure to get the identity token says why", async () => {
    const error = await attestDistribution(
      wheel,
      async () => {
        throw new Error("the job has no id-token: write permission");
      },
      sigstore,
    ).catch((e) => e);
    assert.ok(error instanceof AttestationError);
    assert.equal(error.step, "identity-token");
    assert.match(error.message, /id-token: write/);
  });

  test("Fulcio refusing the token is a certificate error naming Fulcio and its answer", async () => {
    // Readable claims but not three JWT segments: Fulcio answers 400.
    const payload = Buffer.from(JSON.stringify({ sub: WORKFLOW })).toString("base64url");
    const error = await attestDistribution(wheel, async () => `x.${payload}`, sigstore).catch(
      (e) => e,
    );
    assert.ok(error instanceof AttestationError);
    assert.equal(error.step, "certificate");
    assert.equal(error.serviceURL, sigstore.fulcioURL);
    assert.match(error.message, /Fulcio \(http:\/\/127\.0\.0\.1:\d+\).*HTTP \(400\)/);
  });

  test("Rekor refusing the entry is a transparency-log error naming Rekor", async () => {
    // The stand-in Fulcio has no log route: it answers 404.
    const endpoints = { fulcioURL: sigstore.fulcioURL, rekorURL: sigstore.fulcioURL };
    const error = await attestDistribution(wheel, async () => identityToken(), endpoints).catch(
      (e) => e,
    );
    assert.ok(error instanceof AttestationError);
    assert.equal(error.step, "transparency-log");
    assert.equal(error.serviceURL, sigstore.fulcioURL);
    assert.match(error.message, /HTTP \(404\)/);
  });

  describe("attestation files next to a distribution", () => {
    test("a good file is accepted and parsed", () => {
      const result = checkAttestationFile(JSON.stringify(attestation), wheel);
      assert.deepEqual(result, { ok: true, attestation });
    });

    test("one as pypi-attestations writes it is accepted: null predicate, normalized name", async () => {
      const written = await signStatement(sigstore, {
        _type: STATEMENT_V1,
        subject: [{ name: "my_pkg-1.0-py2.py3-none-any.whl", digest: { sha256: wheel.sha256 } }],
        predicateType: PUBLISH_V1,
        predicate: null,
      });
      const file = { filename: "My.Pkg-1.0-py3.py2-none-any.whl", sha256: wheel.sha256 };
      assert.equal(checkAttestationFile(JSON.stringify(written), file).ok, true);
    });

    test("text that is not JSON is refused", () => {
      const result = checkAttestationFile("{not json", wheel);
      assert.equal(result.ok, false);
      assert.match(!result.ok ? result.reason : "", /^not JSON/);
    });

    test("an attestation for another file is refused, naming the subject", () => {
      const result = checkAttestationFile(JSON.stringify(attestation), {
        filename: "pkg-2.0-py3-none-any.whl",
        sha256: wheel.sha256,
      });
      assert.deepEqual(result, {
        ok: false,
        reason: `the statement's subject is "${wheel.filename}", not pkg-2.0-py3-none-any.whl`,
      });
    });

    test("JSON of another shape is refused, saying which field is wrong", () => {
      const cases: [unknown, RegExp][] = [
        [[attestation], /JSON object/],
        [{ ...attestation, version: 2 }, /version must be 1/],
        [
          {
            ...attestation,
            verification_material: { ...attestation.verification_material, certificate: "%%" },
          },
          /certificate must be base64/,
        ],
        [
          {
            ...attestation,
            verification_material: {
              ...attestation.verification_material,
              transparency_entries: [],
            },
          },
          /transparency_entries must be a non-empty list/,
        ],
        [{ version: 1, verification_material: attestation.verification_material }, /envelope/],
      ];
      for (const [value, reason] of cases) {
        const result = checkAttestationFile(JSON.stringify(value), wheel);
        assert.equal(result.ok, false, JSON.stringify(value).slice(0, 80));
        assert.match(!result.ok ? result.reason : "", reason);
      }
    });

    test("a statement with two subjects is refused, as PyPI refuses it", async () => {
      const subject = { name: wheel.filename, digest: { sha256: wheel.sha256 } };
      const two = await signStatement(sigstore, {
        _type: STATEMENT_V1,
        subject: [subject, { ...subject, name: sdist.filename }],
        predicateType: PUBLISH_V1,
      });
      const result = checkAttestationFile(JSON.stringify(two), wheel);
      assert.deepEqual(result, {
        ok: false,
        reason: "the statement must have exactly one subject",
      });
    });

    test("SLSA provenance is accepted from a file, a predicate PyPI does not know is not", async () => {
      const statement = (predicateType: string) => ({
        _type: STATEMENT_V1,
        subject: [{ name: wheel.filename, digest: { sha256: wheel.sha256 } }],
        predicateType,
        predicate: {},
      });
      const slsa = await signStatement(sigstore, statement("https://slsa.dev/provenance/v1"));
      assert.equal(checkAttestationFile(JSON.stringify(slsa), wheel).ok, true);
      assert.equal(verifyAttestation(slsa, wheel).ok, false);
      const custom = await signStatement(sigstore, statement("https://example.com/custom/v1"));
      const result = checkAttestationFile(JSON.stringify(custom), wheel);
      assert.equal(result.ok, false);
      assert.match(!result.ok ? result.reason : "", /predicate type/);
    });
  });
});

describe("subject names, compared as PyPI compares them", () => {
  test("the same file name matches", () => {
    assert.ok(sameDistributionFile("pkg-1.0-py3-none-any.whl", "pkg-1.0-py3-none-any.whl"));
  });

  test("project name and version are compared normalized", () => {
    assert.ok(sameDistributionFile("foo_bar-1.0rc1.tar.gz", "Foo.Bar-1.0RC1.tar.gz"));
    assert.ok(sameDistributionFile("foo_bar-1.0-py3-none-any.whl", "Foo_Bar-1.0-py3-none-any.whl"));
  });

  test("compressed wheel tags are compared as sets", () => {
    assert.ok(sameDistributionFile("pkg-1.0-py2.py3-none-any.whl", "pkg-1.0-py3.py2-none-any.whl"));
  });

  test("another version, build or kind does not match", () => {
    assert.equal(sameDistributionFile("pkg-1.0.tar.gz", "pkg-1.0.0.tar.gz"), false);
    assert.equal(
      sameDistributionFile("pkg-1.0-1-py3-none-any.whl", "pkg-1.0-2-py3-none-any.whl"),
      false,
    );
    assert.equal(sameDistributionFile("pkg-1.0.tar.gz", "pkg-1.0-py3-none-any.whl"), false);
  });
});
