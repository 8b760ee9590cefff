// Trusted publishing (PyPI's OIDC exchange): ask the index for its audience, get an ID token for
// it from the CI, and trade it for a short-lived API token at `{index}/_/oidc/mint-token`.
// Shapes from ../shared/registries.md: audience -> {"audience": "pypi"}; mint -> {"success": true,
// "token": "pypi-...", "expires": <unix seconds>} or {"message": ..., "errors": [{"code", "description"}]}.

import { request } from "undici";
import { CredentialsError } from "../errors.ts";
import type { Secrets } from "../secrets.ts";
import { extractMessage } from "../upload/outcome.ts";
import { get, jsonObject, type Transport } from "../upload/send.ts";

/** Gets an OIDC ID token for an audience from the CI (GitHub's request URL, GitLab's id_tokens). */
export type IdTokenProvider = (audience: string) => Promise<string>;

export interface MintedToken {
  token: string;
  expiresAt: number;
}

/** The index that serves `/_/oidc/`: PyPI's is pypi.org, not the upload host. */
export function oidcIndexFor(uploadUrl: URL): URL {
  if (uploadUrl.hostname === "upload.pypi.org") return new URL("https://pypi.org/");
  return new URL("/", uploadUrl);
}

export async function fetchAudience(transport: Transport, index: URL): Promise<string> {
  const url = new URL("_/oidc/audience", index);
  const result = await get(transport, url, { accept: "application/json" });
  if (!result.ok) {
    throw new CredentialsError(
      `could not reach ${url.href} for trusted publishing: ${result.message}`,
      undefined,
      1,
    );
  }
  if (result.answer.status !== 200) {
    throw new CredentialsError(
      `${index.origin} does not offer trusted publishing (${url.href} answered ${result.answer.status})`,
      "trusted publishing may be disabled on this index: pass an API token as the password instead",
      1,
    );
  }
  const audience = jsonObject(result.answer.body).audience;
  if (typeof audience !== "string" || audience === "") {
    throw new CredentialsError(`${url.href} answered without an audience`, undefined, 1);
  }
  return audience;
}

export async function mintToken(
  transport: Transport,
  index: URL,
  idToken: string,
  secrets: Secrets,
): Promise<MintedToken> {
  const url = new URL("_/oidc/mint-token", index);
  let status: number;
  let body: string;
  try {
    const response = await request(url, {
      method: "POST",
      headers: { "content-type": "application/json", "user-agent": transport.userAgent },
      body: JSON.stringify({ token: idToken }),
      dispatcher: transport.dispatcher,
    });
    status = response.statusCode;
    body = await response.body.text();
  } catch (error) {
    throw new CredentialsError(
      `could not reach ${url.href}: ${(error as Error).message}`,
      undefined,
      1,
    );
  }
  const json = jsonObject(body);
  if (status === 200 && typeof json.token === "string") {
    // Masked before anything else can print it.
    secrets.add(json.token);
    const expires =
      typeof json.expires === "number" ? json.expires * 1000 : Date.now() + 15 * 60_000;
    return { token: json.token, expiresAt: expires };
  }
  throw mintError(index, status, json, body, idToken);
}

function mintError(
  index: URL,
  status: number,
  json: { message?: unknown; errors?: unknown },
  body: string,
  idToken: string,
): CredentialsError {
  const errors = Array.isArray(json.errors)
    ? (json.errors as { code?: string; description?: string }[])
    : [];
  const codes = errors.map((error) => error.code ?? "");
  const details = errors.map((error) => `${error.code}: ${error.description}`).join("; ");
  const message = `${index.origin} refused the trusted publishing exchange (${status}): ${
    details ||
    (typeof json.message === "string"
      ? json.message
      : extractMessage({ status, headers: {}, body }))
  }`;
  if (codes.includes("not-enabled") || /disabled|not enabled/i.test(details)) {
    return new CredentialsError(
      message,
      "trusted publishing is disabled on this index right now: publish with an API token (password input) instead",
      1,
    );
  }
  const claims = describeClaims(idToken);
  return new CredentialsError(
    message,
    `no trusted publisher on ${index.origin} matches this job. Add one in the project's publishing settings (${new URL("manage/account/publishing/", index).href}) with exactly these values: ${claims}`,
    1,
  );
}

/** The claims an index matches publishers on, decoded from the ID token (never the token). */
export function describeClaims(idToken: string): string {
  try {
    const payload = JSON.parse(
      Buffer.from(idToken.split(".")[1] ?? "", "base64url").toString("utf8"),
    ) as Record<string, unknown>;
    const keys = [
      "repository",
      "workflow_ref",
      "job_workflow_ref",
      "environment",
      "ref",
      "project_path",
      "ci_config_ref_uri",
    ];
    const shown = keys
      .filter((key) => payload[key] !== undefined)
      .map((key) => `${key}=${String(payload[key])}`);
    return shown.length > 0
      ? shown.join(", ")
      : "(the ID token carries no claims pypush recognises)";
  } catch {
    return "(the ID token could not be decoded)";
  }
}

/**
 * A minted token that renews itself: PyPI's last 15 minutes, and a long upload (or many files)
 * can outlive one. Renewed when less than a third of its life, at most 5 minutes, is left.
 */
export function renewingToken(mint: () => Promise<MintedToken>): () => Promise<string> {
  let current: (MintedToken & { mintedAt: number }) | undefined;
  return async () => {
    const now = Date.now();
    if (current) {
      const margin = Math.min(300_000, (current.expiresAt - current.mintedAt) / 3);
      if (current.expiresAt - now > margin) return current.token;
    }
    current = { ...(await mint()), mintedAt: now };
    return current.token;
  };
}
