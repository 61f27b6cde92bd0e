// Asking before a delete, inside the page (a modal <dialog> naming the user) rather than with
// window.confirm(), which the page cannot style and some browsers suppress.
import { byId } from "./dom";
import type { User } from "./gen/user_pb";

const dialog = byId<HTMLDialogElement>("delete-dialog");
const question = byId<HTMLParagraphElement>("delete-question");
const confirmButton = byId<HTMLButtonElement>("delete-confirm");
const cancelButton = byId<HTMLButtonElement>("delete-cancel");

/** Resolves true when the user confirms deleting <user>, false on Cancel or Escape. */
export function confirmDelete(user: User): Promise<boolean> {
  question.textContent = `Delete user ${user.id}, ${user.name} <${user.email}>? This cannot be undone.`;
  dialog.dataset["userId"] = String(user.id);
  return new Promise((resolve) => {
    const finish = (confirmed: boolean): void => {
      confirmButton.removeEventListener("click", onConfirm);
      cancelButton.removeEventListener("click", onCancel);
      dialog.removeEventListener("close", onClose);
      if (dialog.open) {
        dialog.close();
      }
      resolve(confirmed);
    };
    const onConfirm = (): void => finish(true);
    const onCancel = (): void => finish(false);
    const onClose = (): void => finish(false); // Escape closes the dialog: a cancel.
    confirmButton.addEventListener("click", onConfirm);
    cancelButton.addEventListener("click", onCancel);
    dialog.addEventListener("close", onClose);
    dialog.showModal();
    cancelButton.focus(); // The safe choice has the focus, so Enter does not delete.
  });
}
