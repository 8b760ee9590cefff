// GitHub's OIDC ID token for the CLI run inside a GitHub Actions job (the action itself uses
// @actions/core's getIDToken): GET $ACTIONS_ID_TOKEN_REQUEST_URL&audience=..., bearer
// $ACTIONS_ID_TOKEN_REQUEST_TOKEN -> {"value": "<jwt>"}.
import { CredentialsError } from "../errors.ts";
import { get, jsonObject, type Transport } from "../upload/send.ts";
import type { IdTokenProvider } from "./oidc.ts";

export function githubIdTokenProvider(
  transport: Transport,
  request: { url: string; token: string },
): IdTokenProvider {
  return async (audience) => {
    const url = new URL(request.url);
    url.searchParams.set("audience", audience);
    const result = await get(transport, url, { authorization: `Bearer ${request.token}` });
    const value =
      result.ok && result.answer.status === 200 ? jsonObject(result.answer.body).value : undefined;
    if (typeof value !== "string") {
      throw new CredentialsError(
        `GitHub did not issue an OIDC token for audience '${audience}' (${result.ok ? `HTTP ${result.answer.status}` : result.message})`,
        "the job needs `permissions: id-token: write`",
        1,
      );
    }
    return value;
  };
}
