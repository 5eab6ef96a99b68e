// Sign in or create an account with email and password (the provider the project enables; the Auth
// emulator accepts it locally).
import { signInWithEmailAndPassword, createUserWithEmailAndPassword } from "../firebase.js";
import { h, field } from "../ui.js";

const MESSAGES = {
  "auth/invalid-credential": "That email and password do not match an account.",
  "auth/user-not-found": "No account with that email: create one below.",
  "auth/wrong-password": "That password is not right.",
  "auth/email-already-in-use": "An account with that email exists: sign in instead.",
  "auth/weak-password": "Use a password of at least 6 characters.",
  "auth/invalid-email": "That email address does not look right.",
  "auth/operation-not-allowed": "Email sign-in is not enabled for this project (see docs/deploy.md).",
};

export function render({ main, auth, local }) {
  const email = h("input", { type: "email", name: "email", autocomplete: "email", required: true });
  const password = h("input", { type: "password", name: "password", autocomplete: "current-password", required: true, minlength: 6 });
  const status = h("p", { role: "alert", class: "error" });
  const submit = async (create) => {
    if (!form.reportValidity()) return;
    status.textContent = "";
    try {
      if (create) await createUserWithEmailAndPassword(auth, email.value.trim(), password.value);
      else await signInWithEmailAndPassword(auth, email.value.trim(), password.value);
    } catch (error) {
      status.textContent = MESSAGES[error.code] || error.message;
    }
  };
  const form = h("form", { class: "card", "aria-labelledby": "signin-title", onsubmit: (e) => { e.preventDefault(); submit(false); } },
    h("h1", { id: "signin-title" }, "Sign in"),
    local ? h("p", { class: "muted small" }, "Local emulators: any email works; create an account first.") : null,
    field("Email", email), field("Password", password), status,
    h("div", { class: "row" },
      h("button", { type: "submit" }, "Sign in"),
      h("button", { type: "button", class: "secondary", onclick: () => submit(true) }, "Create account")));
  main.replaceChildren(form);
  email.focus();
}
