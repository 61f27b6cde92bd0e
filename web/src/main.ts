// The admin console: list users with paging and search, create users, and a live view of
// changes; every call goes to the server over gRPC-Web.
import { timestampDate } from "@bufbuild/protobuf/wkt";
import { createUserClient, describeError, token, type CallFailure } from "./api";
import { byId, el } from "./dom";
import { UserStatus, type User } from "./gen/user_pb";
import { startLive, type LiveEvent } from "./live";

const client = createUserClient();

const state = { page: 0, limit: 10, total: 0, users: [] as User[], search: "" };

const rows = byId<HTMLTableSectionElement>("user-rows");
const pageInfo = byId<HTMLSpanElement>("page-info");
const previous = byId<HTMLButtonElement>("page-previous");
const next = byId<HTMLButtonElement>("page-next");
const pageSize = byId<HTMLSelectElement>("page-size");
const search = byId<HTMLInputElement>("search");
const banner = byId<HTMLDivElement>("banner");
const createForm = byId<HTMLFormElement>("create-form");
const liveList = byId<HTMLOListElement>("live-events");
const liveState = byId<HTMLSpanElement>("live-state");

function showBanner(kind: "error" | "ok", text: string): void {
  banner.textContent = text;
  banner.className = `banner ${kind}`;
  banner.hidden = false;
}

function showFailure(action: string, failure: CallFailure): void {
  const fields = [...failure.fields].map(([field, problem]) => `${field} ${problem}`).join("; ");
  const hint = failure.code === "UNAUTHENTICATED" ? " Paste a bearer token at the top right." : "";
  showBanner("error", `${action} failed (${failure.code}): ${fields || failure.message}${hint}`);
}

function statusName(status: UserStatus): string {
  return UserStatus[status] ?? String(status);
}

function formatTime(user: User): string {
  return user.createTime ? timestampDate(user.createTime).toISOString().replace("T", " ").slice(0, 19) : "";
}

function matches(user: User, text: string): boolean {
  const needle = text.trim().toLowerCase();
  return needle === "" || user.name.toLowerCase().includes(needle) || user.email.toLowerCase().includes(needle);
}

function render(): void {
  const visible = state.users.filter((user) => matches(user, state.search));
  rows.replaceChildren(
    ...visible.map((user) =>
      el(
        "tr",
        { "data-user-id": String(user.id) },
        el("td", { class: "num" }, String(user.id)),
        el("td", {}, user.name),
        el("td", {}, user.email),
        el("td", { class: "num" }, String(user.age)),
        el("td", {}, user.hobbies.join(", ")),
        el("td", {}, el("span", { class: `status ${statusName(user.status).toLowerCase()}` }, statusName(user.status))),
        el("td", { class: "time" }, formatTime(user)),
      ),
    ),
  );
  if (visible.length === 0) {
    rows.append(el("tr", {}, el("td", { colspan: "7", class: "empty" }, state.users.length ? "No user on this page matches." : "No users yet.")));
  }
  const pages = Math.max(1, Math.ceil(state.total / state.limit));
  pageInfo.textContent = `Page ${state.page + 1} of ${pages} · ${state.total} users`;
  previous.disabled = state.page === 0;
  next.disabled = state.page + 1 >= pages;
}

async function load(): Promise<void> {
  try {
    const response = await client.listUsers({ page: state.page, limit: state.limit });
    state.users = response.users;
    state.total = response.total;
    render();
  } catch (error) {
    showFailure("Loading users", describeError(error));
  }
}

function clearFieldErrors(): void {
  for (const output of createForm.querySelectorAll<HTMLElement>(".field-error")) {
    output.textContent = "";
  }
}

async function create(event: SubmitEvent): Promise<void> {
  event.preventDefault();
  clearFieldErrors();
  const data = new FormData(createForm);
  const hobbies = String(data.get("hobbies") ?? "")
    .split(",")
    .map((hobby) => hobby.trim())
    .filter((hobby) => hobby !== "");
  try {
    const response = await client.createUser({
      name: String(data.get("name") ?? ""),
      email: String(data.get("email") ?? ""),
      age: Number(data.get("age") || 0),
      hobbies,
    });
    showBanner("ok", `Created user ${response.user?.id}: ${response.user?.name}`);
    createForm.reset();
    // Show the new user: it has the highest id, so it is on the last page.
    state.page = Math.max(0, Math.ceil((state.total + 1) / state.limit) - 1);
    await load();
  } catch (error) {
    const failure = describeError(error);
    for (const [field, problem] of failure.fields) {
      const output = createForm.querySelector<HTMLElement>(`.field-error[data-field="${field.split(/[.[]/)[0]}"]`);
      if (output) {
        output.textContent = problem;
      }
    }
    showFailure("Creating the user", failure);
  }
}

function onLive(event: LiveEvent): void {
  const { user } = event;
  const item = el("li", { "data-user-id": String(user.id) },
    el("span", { class: `kind ${event.kind}` }, event.kind),
    ` #${user.id} ${user.name} <${user.email}> ${statusName(user.status)}`);
  liveList.prepend(item);
  while (liveList.children.length > 50) {
    liveList.lastElementChild?.remove();
  }
  void load();
}

previous.addEventListener("click", () => {
  state.page = Math.max(0, state.page - 1);
  void load();
});
next.addEventListener("click", () => {
  state.page += 1;
  void load();
});
pageSize.addEventListener("change", () => {
  state.limit = Number(pageSize.value);
  state.page = 0;
  void load();
});
search.addEventListener("input", () => {
  state.search = search.value;
  render();
});
createForm.addEventListener("submit", (event) => void create(event));
const tokenInput = byId<HTMLInputElement>("token");
tokenInput.value = token.get();
tokenInput.addEventListener("change", () => {
  token.set(tokenInput.value);
  banner.hidden = true;
  // Reconnect the live view at once with the new token rather than at its next retry.
  stopLive();
  stopLive = followChanges();
  void load();
});

const followChanges = (): (() => void) =>
  startLive(client, onLive, (connected, detail) => {
    liveState.textContent = detail;
    liveState.className = connected ? "live-state on" : "live-state off";
  });
let stopLive = followChanges();
void load();
