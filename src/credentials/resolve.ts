// Step 3, authorize: which credentials go to the target, in this order: explicit ones; (GitLab's
// job and deploy tokens, for GitLab targets); trusted publishing for Warehouse indexes.
import type { GitHubFacts } from "../ci/github.ts";
import type { GitLabFacts } from "../ci/gitlab.ts";
import { CredentialsError } from "../errors.ts";
import type { RegistryProfile } from "../registries.ts";
import type { ExplicitCredentials } from "../request.ts";
import type { Secrets } from "../secrets.ts";
import type { Transport } from "../upload/send.ts";
import { githubIdTokenProvider } from "./github-id-token.ts";
import { gitlabCredentials, gitlabIdTokenProvider, guardJobToken } from "./gitlab.ts";
import {
  fetchAudience,
  type IdTokenProvider,
  mintToken,
  oidcIndexFor,
  renewingToken,
} from "./oidc.ts";

export interface Credentials {
  username: string;
  /** What kind of secret this is, for diagnostics. */
  kind: "explicit" | "deploy-token" | "job-token" | "trusted-publishing";
  /** A one-line notice for the log (a username pypush corrected, say). */
  notice?: string;
  /** Where they came from, for messages (never the secret itself). */
  source: string;
  /** The Authorization header value for the next request (a minted token renews itself). */
  authorization(): Promise<string>;
  /** Trusted publishing's source of ID tokens, for other audiences (Sigstore's, to sign). */
  idTokens?: IdTokenProvider;
}

export interface CredentialContext {
  explicit: ExplicitCredentials;
  profile: RegistryProfile;
  url: URL;
  github: GitHubFacts | undefined;
  gitlab: GitLabFacts | undefined;
  /** An entrypoint's own way to get ID tokens (the action passes @actions/core's getIDToken). */
  idTokens: IdTokenProvider | undefined;
  transport: Transport;
  secrets: Secrets;
}

export async function resolveCredentials(
  context: CredentialContext,
): Promise<Credentials | undefined> {
  const { explicit, profile, secrets, gitlab, url } = context;
  secrets.add(explicit.password);
  guardJobToken(explicit.password, gitlab, url);
  if (profile.kind === "gitlab") {
    const found = gitlabCredentials(explicit, gitlab, url);
    if (found === undefined) return undefined;
    secrets.add(found.password);
    const source = {
      explicit: `the credentials given (username '${found.username}')`,
      "deploy-token": `the deploy token CI_DEPLOY_USER/CI_DEPLOY_PASSWORD (username '${found.username}')`,
      "job-token": `the CI job token (username '${found.username}')`,
    }[found.kind];
    const notice = "notice" in found ? found.notice : undefined;
    return fixed(secrets, found.username, found.password, found.kind, source, notice);
  }
  if (explicit.password !== undefined && explicit.password !== "") {
    const username = explicit.username ?? "__token__";
    const source =
      username === "__token__" ? "the API token given" : `the password given for '${username}'`;
    return fixed(secrets, username, explicit.password, "explicit", source);
  }
  if (profile.warehouse) {
    const idTokens = idTokenProviderFor(context);
    if (idTokens) return trustedPublishing(context, idTokens);
    if (profile.isPypi) {
      throw new CredentialsError(
        `no credentials for ${profile.label}`,
        "pass an API token with --token (or PYPUSH_TOKEN / TWINE_PASSWORD / UV_PUBLISH_TOKEN), or publish from GitHub Actions or GitLab CI with trusted publishing",
        2,
      );
    }
  }
  return undefined;
}

function fixed(
  secrets: Secrets,
  username: string,
  password: string,
  kind: Credentials["kind"],
  source: string,
  notice?: string,
): Credentials {
  const header = basicAuthorization(username, password, secrets);
  return {
    username,
    kind,
    source,
    ...(notice ? { notice } : {}),
    authorization: async () => header,
  };
}

function idTokenProviderFor(context: CredentialContext): IdTokenProvider | undefined {
  const { github, gitlab } = context;
  if (gitlab) return context.idTokens ?? gitlabIdTokenProvider(gitlab);
  if (github) {
    if (github.idTokenRequest === undefined) {
      throw new CredentialsError(
        github.fromFork
          ? "trusted publishing is impossible here: GitHub gives no OIDC token to pull requests from forks"
          : "no password was given and this job cannot get an OIDC token for trusted publishing",
        github.fromFork
          ? "publish from a push, tag or release workflow in the repository itself, not from a fork's pull request"
          : "add `permissions: id-token: write` to the publishing job (or pass an API token as the password)",
        2,
      );
    }
    return context.idTokens ?? githubIdTokenProvider(context.transport, github.idTokenRequest);
  }
  return context.idTokens;
}

async function trustedPublishing(
  context: CredentialContext,
  idTokens: IdTokenProvider,
): Promise<Credentials> {
  const index = oidcIndexFor(context.url);
  const audience = await fetchAudience(context.transport, index);
  const mint = async () => {
    const idToken = await idTokens(audience);
    context.secrets.add(idToken);
    return mintToken(context.transport, index, idToken, context.secrets);
  };
  const token = renewingToken(mint);
  await token(); // fail here, before any upload, when the exchange is refused
  return {
    username: "__token__",
    kind: "trusted-publishing",
    idTokens,
    source: `trusted publishing (${index.origin}, audience ${audience})`,
    authorization: async () => basicAuthorization("__token__", await token(), context.secrets),
  };
}

/** The Basic header; its base64("username:password") form is registered as a secret too. */
export function basicAuthorization(username: string, password: string, secrets: Secrets): string {
  secrets.add(`${username}:${password}`);
  return `Basic ${Buffer.from(`${username}:${password}`, "utf8").toString("base64")}`;
}
