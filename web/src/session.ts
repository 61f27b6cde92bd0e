// What a pasted token says about its bearer, for the sign-in panel only: the claims are read
// from the JWT payload without checking the signature, because the server checks the token on
// every call and the console never decides anything from them.

export interface TokenClaims {
  subject: string | undefined;
  roles: string[];
  expires: Date | undefined;
}

/** The claims of a JWT, or undefined when the token is not a JWT (three base64url parts, JSON payload). */
export function readClaims(token: string): TokenClaims | undefined {
  const parts = token.split(".");
  if (parts.length !== 3 || parts[1] === undefined) {
    return undefined;
  }
  let payload: unknown;
  try {
    payload = JSON.parse(decodeBase64Url(parts[1]));
  } catch {
    return undefined;
  }
  if (typeof payload !== "object" || payload === null) {
    return undefined;
  }
  const claims = payload as Record<string, unknown>;
  return {
    subject: typeof claims["sub"] === "string" ? claims["sub"] : undefined,
    // The server's role claim is "role" unless Auth:Jwt:RoleClaim says otherwise; "roles" is the other common name.
    roles: [...strings(claims["role"]), ...strings(claims["roles"])],
    expires: typeof claims["exp"] === "number" ? new Date(claims["exp"] * 1000) : undefined,
  };
}

/** "2026-12-07 15:40 UTC": what the panel and the console's tables show. */
export function formatUtc(date: Date): string {
  return `${date.toISOString().replace("T", " ").slice(0, 16)} UTC`;
}

function strings(value: unknown): string[] {
  if (typeof value === "string") {
    return [value];
  }
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : [];
}

function decodeBase64Url(text: string): string {
  const base64 = text.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(text.length / 4) * 4, "=");
  const bytes = Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}
