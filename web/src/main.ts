// The admin console: an overview (counts by status, sign-ups per day), list users with paging
// and search, create, edit, suspend/activate and delete users, and a live view of changes;
// every call goes to the server over gRPC-Web.
import { create } from "@bufbuild/protobuf";
import { FieldMaskSchema, timestampDate } from "@bufbuild/protobuf/wkt";
import { createUserClient, describeError, type CallFailure } from "./api";
import { confirmDelete } from "./confirm";
import { byId, el } from "./dom";
import { UserStatus, type User, type UserEvent } from "./gen/user_pb";
import { eventKindName, startLive } from "./live";
import { Overview } from "./overview";
import { SignInPanel } from "./signin";
import { UserPager } from "./users";

const client = createUserClient();
const pager = new UserPager(client);
const overview = new Overview(client, (error) => showFailure("Loading the overview", describeError(error)));
let shown: User[] = [];
let total = 0;

const rows = byId<HTMLTableSectionElement>("user-rows");
const pageInfo = byId<HTMLSpanElement>("page-info");
const previous = byId<HTMLButtonElement>("page-previous");
const next = byId<HTMLButtonElement>("page-next");
const pageSize = byId<HTMLSelectElement>("page-size");
const search = byId<HTMLInputElement>("search");
const searchField = byId<HTMLSelectElement>("search-field");
const statusFilter = byId<HTMLSelectElement>("status-filter");
const banner = byId<HTMLDivElement>("banner");
const createForm = byId<HTMLFormElement>("create-form");
const editDialog = byId<HTMLDialogElement>("edit-dialog");
const editForm = byId<HTMLFormElement>("edit-form");
const liveList = byId<HTMLOListElement>("live-events");
const liveState = byId<HTMLSpanElement>("live-state");

function showBanner(kind: "error" | "ok", text: string): void {
  banner.textContent = text;
  banner.className = `banner ${kind}`;
  banner.hidden = false;
}

function showFailure(action: string, failure: CallFailure): void {
  const fields = [...failure.fields].map(([field, problem]) => `${field} ${problem}`).join("; ");
  const signedIn = signIn.describeSignedIn();
  const hint =
    failure.code === "UNAUTHENTICATED"
      ? signedIn
        ? " The server refused the token: check the sign-in panel at the top right (has it expired?) and sign in again."
        : " Sign in with a bearer token in the panel at the top right."
    : failure.code === "PERMISSION_DENIED"
      ? ` The signed-in token${signedIn ? ` (${signedIn})` : ""} may not do this (managing users needs the admin role): sign in with another in the panel at the top right.`
    : failure.code === "ABORTED" ? " The list has been reloaded; try again."
    : "";
  showBanner("error", `${action} failed (${failure.code}): ${fields || failure.message}${hint}`);
}

function statusName(status: UserStatus): string {
  return UserStatus[status] ?? String(status);
}

// Emails and times stay on one line; a cell too narrow for its text ends in an ellipsis and the
// title shows it whole.
function wholeCell(className: string, text: string): HTMLTableCellElement {
  return el("td", { class: className, title: text }, text);
}

function formatTime(user: User): string {
  return user.createTime ? timestampDate(user.createTime).toISOString().replace("T", " ").slice(0, 19) : "";
}

function actionButton(label: string, action: string, id: number): HTMLButtonElement {
  return el("button", { type: "button", class: `row-action ${action}`, "data-action": action, "data-user-id": String(id) }, label);
}

function render(label: string, hasPrevious: boolean, hasNext: boolean): void {
  rows.replaceChildren(
    ...shown.map((user) =>
      el(
        "tr",
        { "data-user-id": String(user.id) },
        el("td", { class: "num" }, String(user.id)),
        el("td", {}, user.name),
        wholeCell("email", user.email),
        el("td", { class: "num" }, String(user.age)),
        el("td", {}, user.hobbies.join(", ")),
        el("td", {}, el("span", { class: `status ${statusName(user.status).toLowerCase()}` }, statusName(user.status))),
        wholeCell("time", formatTime(user)),
        el(
          "td",
          { class: "actions" },
          actionButton("Edit", "edit", user.id),
          user.status === UserStatus.SUSPENDED
            ? actionButton("Activate", "activate", user.id)
            : actionButton("Suspend", "suspend", user.id),
          actionButton("Delete", "delete", user.id),
        ),
      ),
    ),
  );
  if (shown.length === 0) {
    rows.append(el("tr", {}, el("td", { colspan: "8", class: "empty" }, "No users match.")));
  }
  pageInfo.textContent = label;
  previous.disabled = !hasPrevious;
  next.disabled = !hasNext;
}

async function load(): Promise<void> {
  try {
    const page = await pager.load();
    shown = page.users;
    total = page.total;
    render(page.label, page.hasPrevious, page.hasNext);
  } catch (error) {
    showFailure("Loading users", describeError(error));
  }
}

function showFieldErrors(form: HTMLFormElement, failure: CallFailure): void {
  for (const output of form.querySelectorAll<HTMLElement>(".field-error")) {
    output.textContent = "";
  }
  for (const [field, problem] of failure.fields) {
    // "user.email" (UpdateUser) and "hobbies[2]" name the form field "email" and "hobbies".
    const name = field.replace(/^user\./, "").split(/[.[]/)[0];
    const output = form.querySelector<HTMLElement>(`.field-error[data-field="${name}"]`);
    if (output) {
      output.textContent = problem;
    }
  }
}

const noFailure = (): CallFailure => ({ code: "OK", message: "", fields: new Map() });

// Age has no sensible default (0 would be stored as a real age): the form asks for one before
// calling the server, which checks the range itself.
function missingAge(form: HTMLFormElement): CallFailure | undefined {
  const age = String(new FormData(form).get("age") ?? "").trim();
  return age === "" ? { code: "INVALID_ARGUMENT", message: "Age is required.", fields: new Map([["age", "Age is required: enter the user's age (0-150)."]]) } : undefined;
}

function readForm(form: HTMLFormElement): { name: string; email: string; age: number; hobbies: string[] } {
  const data = new FormData(form);
  return {
    name: String(data.get("name") ?? ""),
    email: String(data.get("email") ?? ""),
    age: Number(data.get("age")),
    hobbies: String(data.get("hobbies") ?? "").split(",").map((hobby) => hobby.trim()).filter((hobby) => hobby !== ""),
  };
}

async function createUser(event: SubmitEvent): Promise<void> {
  event.preventDefault();
  const missing = missingAge(createForm);
  if (missing) {
    showFieldErrors(createForm, missing);
    showFailure("Creating the user", missing);
    return;
  }
  try {
    const response = await client.createUser(readForm(createForm));
    showFieldErrors(createForm, noFailure());
    showBanner("ok", `Created user ${response.user?.id}: ${response.user?.name}`);
    createForm.reset();
    pager.last(total + 1); // A new user has the highest id: show the last page.
    await load();
  } catch (error) {
    const failure = describeError(error);
    showFieldErrors(createForm, failure);
    showFailure("Creating the user", failure);
  }
}

let editing: User | undefined;

function openEdit(user: User): void {
  editing = user;
  const fields = editForm.elements as HTMLFormControlsCollection & Record<string, HTMLInputElement>;
  fields["name"].value = user.name;
  fields["email"].value = user.email;
  fields["age"].value = String(user.age);
  fields["hobbies"].value = user.hobbies.join(", ");
  byId<HTMLElement>("edit-title").textContent = `Edit user ${user.id}`;
  showFieldErrors(editForm, noFailure());
  editDialog.showModal();
}

async function saveEdit(event: SubmitEvent): Promise<void> {
  event.preventDefault();
  if (!editing) {
    return;
  }
  const missing = missingAge(editForm);
  if (missing) {
    showFieldErrors(editForm, missing);
    return;
  }
  const values = readForm(editForm);
  // Send only what changed (the field mask), with the etag read: a concurrent change is ABORTED.
  const paths = (["name", "email", "age"] as const).filter((field) => values[field] !== editing![field]);
  if (values.hobbies.join("\n") !== editing.hobbies.join("\n")) {
    paths.push("hobbies" as never);
  }
  if (paths.length === 0) {
    editDialog.close();
    return;
  }
  try {
    const user = await client.updateUser({
      user: { id: editing.id, etag: editing.etag, ...values },
      updateMask: create(FieldMaskSchema, { paths }),
    });
    editDialog.close();
    showBanner("ok", `Saved user ${user.id}: ${user.name}`);
    await load();
  } catch (error) {
    const failure = describeError(error);
    showFieldErrors(editForm, failure);
    if (failure.code === "ABORTED") {
      editDialog.close();
      await load();
    }
    showFailure(`Saving user ${editing.id}`, failure);
  }
}

async function rowAction(action: string, user: User): Promise<void> {
  try {
    if (action === "edit") {
      openEdit(user);
      return;
    }
    if (action === "delete") {
      if (!(await confirmDelete(user))) {
        return;
      }
      await client.deleteUser({ id: user.id, etag: user.etag });
      showBanner("ok", `Deleted user ${user.id}`);
    } else {
      const status = action === "suspend" ? UserStatus.SUSPENDED : UserStatus.ACTIVE;
      const updated = await client.setUserStatus({ id: user.id, status, etag: user.etag });
      showBanner("ok", `User ${updated.id} is now ${statusName(updated.status)}`);
    }
    await load();
  } catch (error) {
    const failure = describeError(error);
    if (failure.code === "ABORTED") {
      await load();
    }
    showFailure(`${action[0]?.toUpperCase()}${action.slice(1)} user ${user.id}`, failure);
  }
}

let reloadTimer: number | undefined;

function onLive(event: UserEvent): void {
  const user = event.user;
  const kind = eventKindName(event.kind);
  liveList.prepend(
    el(
      "li",
      { "data-user-id": String(event.userId) },
      el("span", { class: `kind ${kind}` }, kind.replace("_", " ")),
      ` #${event.userId} ${user?.name ?? ""} `,
      user?.email ? el("span", { class: "email", title: user.email }, `<${user.email}>`) : "",
      kind === "status_changed" && user ? ` → ${statusName(user.status)}` : "",
    ),
  );
  while (liveList.children.length > 50) {
    liveList.lastElementChild?.remove();
  }
  // A replayed history arrives as a burst: reload the list once it settles.
  window.clearTimeout(reloadTimer);
  reloadTimer = window.setTimeout(() => void load(), 150);
  // Creates, status changes and deletes move the counts; the overview re-reads them.
  overview.refreshSoon();
}

function applyFilter(): void {
  pager.filter = {
    text: search.value,
    field: searchField.value === "email" ? "email" : "name",
    status: statusFilter.value === "" ? undefined : (Number(statusFilter.value) as UserStatus),
  };
  pager.reset();
  void load();
}

previous.addEventListener("click", () => {
  pager.previous();
  void load();
});
next.addEventListener("click", () => {
  pager.next();
  void load();
});
pageSize.addEventListener("change", () => {
  pager.limit = Number(pageSize.value);
  pager.reset();
  void load();
});
let searchTimer: number | undefined;
search.addEventListener("input", () => {
  window.clearTimeout(searchTimer);
  searchTimer = window.setTimeout(applyFilter, 200);
});
searchField.addEventListener("change", applyFilter);
statusFilter.addEventListener("change", applyFilter);
rows.addEventListener("click", (event) => {
  const button = (event.target as HTMLElement).closest<HTMLButtonElement>("button[data-action]");
  const user = shown.find((candidate) => String(candidate.id) === button?.dataset["userId"]);
  if (button && user) {
    void rowAction(button.dataset["action"] ?? "", user);
  }
});
createForm.addEventListener("submit", (event) => void createUser(event));
editForm.addEventListener("submit", (event) => void saveEdit(event));
byId<HTMLButtonElement>("edit-cancel").addEventListener("click", () => editDialog.close());
const signIn = new SignInPanel(() => {
  banner.hidden = true;
  // Reconnect the live view at once with the new token rather than at its next retry.
  stopLive();
  stopLive = followChanges();
  void load();
  void overview.refresh();
});

const followChanges = (): (() => void) =>
  startLive(client, onLive, (connected, detail) => {
    liveState.textContent = detail;
    liveState.className = connected ? "live-state on" : "live-state off";
  });
let stopLive = followChanges();
void load();
void overview.refresh();
