// PyPI trusted publishing (Warehouse `warehouse/oidc/views.py`):
//   GET  /_/oidc/audience    -> {"audience": "pypi"}
//   POST /_/oidc/mint-token  {"token": "<OIDC JWT>"}
//        -> 200 {"success": true, "token": "pypi-...", "expires": <unix seconds>}
//        -> 422 {"message": "Token request failed", "errors": [{"code": ..., "description": ...}]}
// The minted token is then an upload password (username `__token__`) until it expires.
import { jsonAnswer } from "./responses.ts";
import type { Answer, OidcOptions } from "./types.ts";

export const AUDIENCE_PATH = "/_/oidc/audience";
export const MINT_TOKEN_PATH = "/_/oidc/mint-token";

export class MintedTokens {
  readonly #expiries = new Map<string, number>();

  add(token: string, expires: number): void {
    this.#expiries.set(token, expires);
  }

  status(password: string, nowSeconds = Date.now() / 1000): "valid" | "expired" | "unknown" {
    const expires = this.#expiries.get(password);
    if (expires === undefined) return "unknown";
    return nowSeconds < expires ? "valid" : "expired";
  }
}

export function audienceAnswer(oidc: OidcOptions): Answer {
  return jsonAnswer(200, { audience: oidc.audience });
}

function tokenRequestFailed(errors: { code: string; description: string }[]): Answer {
  return jsonAnswer(422, { message: "Token request failed", errors });
}

/** Exchanges the CI's OIDC token for an upload token, as the options' verifier decides. */
export async function mintTokenAnswer(
  body: string,
  oidc: OidcOptions,
  tokens: MintedTokens,
): Promise<Answer> {
  let jwt: unknown;
  try {
    jwt = (JSON.parse(body) as { token?: unknown } | null)?.token;
  } catch {
    return tokenRequestFailed([{ code: "invalid-payload", description: "malformed payload" }]);
  }
  if (typeof jwt !== "string" || jwt === "") {
    return tokenRequestFailed([{ code: "invalid-payload", description: "token is missing" }]);
  }
  const verdict = await oidc.verify(jwt);
  if (!verdict.ok) return tokenRequestFailed(verdict.errors);
  const minted = oidc.mintedToken();
  tokens.add(minted.token, minted.expires);
  return jsonAnswer(200, { success: true, token: minted.token, expires: minted.expires });
}
