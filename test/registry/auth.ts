// HTTP basic authentication, the only scheme the legacy upload API uses. Pure functions.
import type { Credentials } from "./types.ts";

/** Reads `Authorization: Basic base64(user:password)`; anything else counts as no credentials. */
export function parseBasicAuth(header: string | undefined): Credentials | undefined {
  if (!header) return undefined;
  const match = /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header);
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

export function basicAuthHeader(credentials: Credentials): string {
  const token = Buffer.from(`${credentials.username}:${credentials.password}`).toString("base64");
  return `Basic ${token}`;
}

/** True when `users` lists exactly these credentials. */
export function isListedUser(users: Credentials[], credentials: Credentials): boolean {
  return users.some(
    (u) => u.username === credentials.username && u.password === credentials.password,
  );
}

/**
 * Gitea, Nexus and Artifactory: uploads need basic credentials; with no user list configured,
 * any non-empty username is accepted.
 */
export function basicAuthAccepted(
  users: Credentials[] | undefined,
  credentials: Credentials | undefined,
): boolean {
  if (!credentials) return false;
  return users ? isListedUser(users, credentials) : credentials.username !== "";
}
