// The sign-in panel at the top right: paste a bearer token (kept for this browser tab only) or
// sign out; it says who the token names, with which roles, and when it expires, and warns once
// it has expired. Display only: the server still checks every token.
import { token } from "./api";
import { byId, el } from "./dom";
import { formatUtc, readClaims } from "./session";

// setTimeout takes at most a signed 32-bit delay; a later expiry is re-checked then.
const MAX_TIMER_MS = 2 ** 31 - 1;

export class SignInPanel {
  private readonly state = byId<HTMLParagraphElement>("session-state");
  private readonly form = byId<HTMLFormElement>("sign-in-form");
  private readonly input = byId<HTMLInputElement>("token");
  private readonly signOut = byId<HTMLButtonElement>("sign-out");
  private expiryTimer: number | undefined;

  /** onChange runs after a sign-in or sign-out, to reload with the new token. */
  constructor(private readonly onChange: () => void) {
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      if (this.input.value.trim() === "") {
        this.input.focus();
        return;
      }
      this.change(this.input.value);
    });
    this.signOut.addEventListener("click", () => this.change(""));
    this.render();
  }

  /** Who is signed in, for error messages: "console-admin (roles: admin)", or undefined. */
  describeSignedIn(): string | undefined {
    const value = token.get();
    if (value === "") {
      return undefined;
    }
    const claims = readClaims(value);
    const roles = claims && claims.roles.length > 0 ? claims.roles.join(", ") : "none";
    return `${claims?.subject ?? "an unnamed token"} (roles: ${roles})`;
  }

  private change(value: string): void {
    token.set(value);
    this.input.value = "";
    this.render();
    this.onChange();
  }

  private render(): void {
    window.clearTimeout(this.expiryTimer);
    const value = token.get();
    const claims = value === "" ? undefined : readClaims(value);
    const expired = claims?.expires !== undefined && claims.expires.getTime() <= Date.now();
    this.state.className = `session-state ${value === "" ? "signed-out" : expired ? "expired" : "signed-in"}`;
    this.state.dataset["subject"] = claims?.subject ?? "";
    this.state.dataset["roles"] = claims?.roles.join(",") ?? "";
    this.state.dataset["expires"] = claims?.expires ? String(claims.expires.getTime() / 1000) : "";
    this.signOut.hidden = value === "";
    // Signed out or expired: offer the field for a (new) token.
    this.form.hidden = value !== "" && !expired;
    if (value === "") {
      this.state.replaceChildren("Not signed in");
      return;
    }
    if (!claims) {
      this.state.replaceChildren("Signed in with a token that is not a JWT (its bearer is not shown)");
      return;
    }
    this.state.replaceChildren(
      "Signed in as ",
      el("strong", { class: "subject" }, claims.subject ?? "(no subject)"),
      el("span", { class: "roles" }, ` · roles: ${claims.roles.length > 0 ? claims.roles.join(", ") : "none"}`),
      claims.expires === undefined
        ? el("span", { class: "expiry" }, " · no expiry")
        : el("span", { class: "expiry" }, expired ? ` · expired ${formatUtc(claims.expires)}: paste a new token` : ` · expires ${formatUtc(claims.expires)}`),
    );
    if (claims.expires !== undefined && !expired) {
      this.expiryTimer = window.setTimeout(() => this.render(), Math.min(claims.expires.getTime() - Date.now() + 50, MAX_TIMER_MS));
    }
  }
}
