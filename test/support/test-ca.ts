// A private certificate authority made with the openssl CLI for one test run: its certificate
// (what a user passes to --ca-cert) and server certificates it signs for chosen IP addresses.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { tempDir } from "./cli.ts";

const run = promisify(execFile);
const OPENSSL = "/usr/bin/openssl";

/** A skip reason for node:test when the openssl CLI is missing, else false. */
export const opensslMissing = existsSync(OPENSSL) ? false : "the openssl CLI is not installed";

export interface ServerCertificate {
  key: string;
  cert: string;
}

export interface TestCa {
  /** The CA certificate as a PEM file. */
  certFile: string;
  /** A key and certificate for a TLS server, signed by this CA, valid for these IP addresses. */
  issue(name: string, ipAddresses: string[]): Promise<ServerCertificate>;
  remove(): Promise<void>;
}

const EC_KEY = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];

export async function createTestCa(commonName = "pypush test CA"): Promise<TestCa> {
  const dir = await tempDir("pypush-ca-");
  const caKey = join(dir.path, "ca.key");
  const certFile = join(dir.path, "ca.pem");
  await run(OPENSSL, [
    "req",
    "-x509",
    ...EC_KEY,
    "-keyout",
    caKey,
    "-out",
    certFile,
    "-days",
    "2",
    "-subj",
    `/CN=${commonName}`,
    "-addext",
    "basicConstraints=critical,CA:TRUE",
    "-addext",
    "keyUsage=critical,keyCertSign,cRLSign",
  ]);
  return {
    certFile,
    async issue(name, ipAddresses) {
      const key = join(dir.path, `${name}.key`);
      const csr = join(dir.path, `${name}.csr`);
      const cert = join(dir.path, `${name}.pem`);
      const extensions = join(dir.path, `${name}.ext`);
      await writeFile(
        extensions,
        [
          `subjectAltName=${ipAddresses.map((ip) => `IP:${ip}`).join(",")}`,
          "basicConstraints=critical,CA:FALSE",
          "keyUsage=critical,digitalSignature",
          "extendedKeyUsage=serverAuth",
          "",
        ].join("\n"),
      );
      await run(OPENSSL, [
        "req",
        ...EC_KEY,
        "-keyout",
        key,
        "-out",
        csr,
        "-subj",
        `/CN=${ipAddresses[0] ?? name}`,
      ]);
      await run(OPENSSL, [
        "x509",
        "-req",
        "-in",
        csr,
        "-CA",
        certFile,
        "-CAkey",
        caKey,
        "-CAcreateserial",
        "-out",
        cert,
        "-days",
        "2",
        "-extfile",
        extensions,
      ]);
      return { key: await readFile(key, "utf8"), cert: await readFile(cert, "utf8") };
    },
    remove: dir.remove,
  };
}
