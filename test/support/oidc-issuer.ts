// A local OIDC issuer: signs real RS256 JWTs, serves GitHub's ID token request endpoint
// (GET ?audience=..., bearer ACTIONS_ID_TOKEN_REQUEST_TOKEN -> {"value": jwt}), and verifies
// tokens for the test registry's trusted publishing as PyPI does: signature, audience, expiry,
// and the claims of the one configured publisher.
import { createSign, createVerify, generateKeyPairSync, randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { OidcOptions } from "../registry/types.ts";

export interface Publisher {
  repository: string;
  workflow_ref: string;
  environment?: string;
}

export interface OidcIssuer {
  /** ACTIONS_ID_TOKEN_REQUEST_URL / _TOKEN for the action or CLI under test. */
  requestUrl: string;
  requestToken: string;
  /** The registry's `oidc` option: PyPI's side of the exchange. */
  registryOptions(options: { tokenLifetimeSeconds: number }): OidcOptions;
  /** How many ID tokens were issued, by audience. */
  issued: string[];
  sign(claims: Record<string, unknown>): string;
  close(): Promise<void>;
}

const b64url = (value: Buffer | string) => Buffer.from(value).toString("base64url");

export async function startOidcIssuer(
  publisher: Publisher,
  claims: Record<string, unknown>,
): Promise<OidcIssuer> {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const issuer = "https://token.actions.githubusercontent.com";
  const requestToken = randomBytes(16).toString("hex");
  const issued: string[] = [];

  const sign = (payload: Record<string, unknown>) => {
    const head = `${b64url(JSON.stringify({ alg: "RS256", typ: "JWT", kid: "test" }))}.${b64url(JSON.stringify(payload))}`;
    const signature = createSign("RSA-SHA256").update(head).sign(privateKey);
    return `${head}.${b64url(signature)}`;
  };

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    if (req.headers.authorization !== `Bearer ${requestToken}`) {
      res.writeHead(401).end();
      return;
    }
    const audience = url.searchParams.get("audience") ?? "";
    issued.push(audience);
    const now = Math.floor(Date.now() / 1000);
    const token = sign({
      iss: issuer,
      aud: audience,
      iat: now,
      nbf: now,
      exp: now + 300,
      ...claims,
    });
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ count: 1, value: token }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  const verify = async (jwt: string) => {
    const [head, body, signature] = jwt.split(".");
    if (!head || !body || !signature) {
      return {
        ok: false as const,
        errors: [{ code: "invalid-payload", description: "malformed JWT" }],
      };
    }
    const valid = createVerify("RSA-SHA256")
      .update(`${head}.${body}`)
      .verify(publicKey, Buffer.from(signature, "base64url"));
    const payload = JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as Record<
      string,
      unknown
    >;
    if (!valid || payload.iss !== issuer) {
      return {
        ok: false as const,
        errors: [{ code: "invalid-token", description: "malformed or invalid token" }],
      };
    }
    if (
      payload.aud !== "pypi" ||
      typeof payload.exp !== "number" ||
      payload.exp * 1000 < Date.now()
    ) {
      return {
        ok: false as const,
        errors: [
          { code: "invalid-token", description: "token has the wrong audience or has expired" },
        ],
      };
    }
    const matches =
      payload.repository === publisher.repository &&
      payload.workflow_ref === publisher.workflow_ref &&
      (publisher.environment === undefined || payload.environment === publisher.environment);
    if (!matches) {
      return {
        ok: false as const,
        errors: [
          {
            code: "invalid-publisher",
            description:
              "valid token, but no corresponding publisher (Publisher with matching claims was not found)",
          },
        ],
      };
    }
    return { ok: true as const };
  };

  return {
    requestUrl: `http://127.0.0.1:${port}/token?api-version=2.0`,
    requestToken,
    issued,
    sign,
    registryOptions: ({ tokenLifetimeSeconds }) => ({
      audience: "pypi",
      verify,
      mintedToken: () => ({
        token: `pypi-minted-${randomBytes(12).toString("hex")}`,
        expires: Date.now() / 1000 + tokenLifetimeSeconds,
      }),
    }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
