// Step 3, authorize: which credentials go to the target. Explicit ones win.
import { CredentialsError } from "../errors.ts";
import type { RegistryProfile } from "../registries.ts";
import type { ExplicitCredentials } from "../request.ts";

export interface Credentials {
  username: string;
  password: string;
  /** Where they came from, for messages (never the secret itself). */
  source: string;
}

export function resolveCredentials(
  explicit: ExplicitCredentials,
  profile: RegistryProfile,
): Credentials | undefined {
  if (explicit.password !== undefined) {
    return {
      username: explicit.username ?? "__token__",
      password: explicit.password,
      source:
        explicit.username === undefined ? "the API token given" : "the username and password given",
    };
  }
  if (profile.isPypi) {
    throw new CredentialsError(
      `no credentials for ${profile.label}`,
      "pass an API token with --token (or set PYPUSH_TOKEN / TWINE_PASSWORD / UV_PUBLISH_TOKEN), or publish from GitHub Actions or GitLab CI with trusted publishing",
      2,
    );
  }
  return undefined;
}

export function basicAuthorization(credentials: Credentials | undefined): string | undefined {
  if (credentials === undefined) return undefined;
  const pair = `${credentials.username}:${credentials.password}`;
  return `Basic ${Buffer.from(pair, "utf8").toString("base64")}`;
}
