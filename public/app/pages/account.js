// Account: memory search, memory on/off, help-article search, trusted contacts, the app state, export of
// everything, and erase with a typed confirmation. HTTP: GET /user/memories, GET|PUT /user/preferences and
// GET /kb/search (account_memory.js), GET|PUT /user/trusted-contacts, GET|PUT /user/state,
// GET /user/export, DELETE /user/data.
import { download, errorText } from "../api.js";
import { fill, h, field, toast, formatDateTime, confirmDialog } from "../ui.js";
import { helpSearch, memorySwitch } from "../account_memory.js";

/** @param {import("../types").PageContext} ctx */
export async function render({ main, api }) {
  // Memories.
  const q = h("input", { type: "search", name: "query", required: true, maxlength: 500 });
  const hits = h("ul", { class: "plain", "aria-live": "polite" });
  const search = h("form", { role: "search", "aria-label": "Search your memories" }, ...field("Search what you talked about", q),
    h("div", { class: "row" }, h("button", { type: "submit" }, "Search")), hits);
  search.addEventListener("submit", async (e) => {
    e.preventDefault();
    const { data, error, response } = await api.GET("/api/v1/user/memories", { params: { query: { query: q.value, limit: 5 } } });
    if (error || !data) { hits.replaceChildren(h("li", { class: "error" }, errorText(error, response))); return; }
    hits.replaceChildren(...(data.memories.length ? data.memories.map((m) => h("li", {},
      h("a", { href: `#/history/${m.sessionId}` }, formatDateTime(m.sessionEndedAt)), ` · ${m.avatar} · `,
      h("span", { class: "muted small" }, `match ${m.score.toFixed(2)}`), h("p", {}, m.summary)))
      : [h("li", { class: "muted" }, "Nothing found.")]));
  });

  // Trusted contacts (at most 5): told that an alert was raised, never what was said.
  const contactsBox = h("div");
  const contactRow = (c = {}) => {
    const name = h("input", { type: "text", name: "name", value: c.name || "", maxlength: 100 });
    const email = h("input", { type: "email", name: "email", value: c.email || "", maxlength: 254 });
    const remove = h("button", { type: "button", class: "secondary" }, "Remove");
    const row = h("fieldset", { class: "contact" }, h("legend", {}, "Contact"), ...field("Name", name), ...field("Email", email), remove);
    row.dataset.uid = c.uid || "";
    remove.addEventListener("click", () => row.remove());
    return row;
  };
  const contactsForm = h("form", {}, contactsBox,
    h("div", { class: "row" },
      h("button", { type: "button", class: "secondary", onclick: () => { if (contactsBox.children.length < 5) contactsBox.append(contactRow()); } }, "Add contact"),
      h("button", { type: "submit" }, "Save contacts")));
  contactsForm.addEventListener("submit", async (e) => {
    e.preventDefault();
    const contacts = [...contactsBox.querySelectorAll("fieldset.contact")].map((row) => {
      const name = row.querySelector("input[name=name]").value.trim();
      const email = row.querySelector("input[name=email]").value.trim();
      return { name, ...(email ? { email } : {}), ...(row.dataset.uid ? { uid: row.dataset.uid } : {}) };
    }).filter((c) => c.name);
    const { error, response } = await api.PUT("/api/v1/user/trusted-contacts", { body: { contacts } });
    toast(error ? errorText(error, response) : "Contacts saved");
  });
  const contactsRes = await api.GET("/api/v1/user/trusted-contacts");
  for (const c of contactsRes.data ? contactsRes.data.contacts : []) contactsBox.append(contactRow(c));

  // App state: the preferred language (the rest of the state is the app's own context).
  const stateRes = await api.GET("/api/v1/user/state");
  const state = stateRes.data ? stateRes.data.state : { language: null, conversationContext: {} };
  const language = h("input", { type: "text", name: "language", value: state.language || "", maxlength: 35, placeholder: "en-GB" });
  const stateForm = h("form", {}, ...field("Preferred language (BCP-47, for crisis resources and replies)", language),
    h("p", { class: "muted small" }, `Saved context keys: ${Object.keys(state.conversationContext || {}).length} · updated ${formatDateTime(state.updatedAt)}`),
    h("button", { type: "submit" }, "Save"));
  stateForm.addEventListener("submit", async (e) => {
    e.preventDefault();
    const { error, response } = await api.PUT("/api/v1/user/state", {
      body: { language: language.value.trim() || null, conversationContext: state.conversationContext || {}, activeSessionId: state.activeSessionId || null },
    });
    toast(error ? errorText(error, response) : "Saved");
  });

  // Export and erase.
  const exportBtn = h("button", { type: "button", class: "secondary" }, "Export my data (JSON)");
  exportBtn.addEventListener("click", async () => {
    const { data, error, response } = await api.GET("/api/v1/user/export");
    if (error || !data) { toast(errorText(error, response)); return; }
    download(new Blob([JSON.stringify(data, null, 2)], { type: "application/json" }), "my-data.json");
  });
  const eraseBtn = h("button", { type: "button", class: "danger" }, "Delete my data");
  const eraseStatus = h("p", { role: "status" });
  eraseBtn.addEventListener("click", async () => {
    const ok = await confirmDialog({
      title: "Delete all your data?", typed: "DELETE", confirmLabel: "Delete everything",
      text: "Sessions, transcripts, memories, contacts and settings are erased for good. Your credit balance and your login stay.",
    });
    if (!ok) return;
    const { data, error, response } = await api.DELETE("/api/v1/user/data");
    if (error || !data) { eraseStatus.textContent = errorText(error, response); return; }
    eraseStatus.textContent = `Deleted ${data.deleted.sessions} sessions, ${data.deleted.messages} messages and ${data.deleted.memories} memories.`;
  });

  const memory = await memorySwitch(api);
  fill(main, h("h1", {}, "Account"),
    h("section", { class: "card", "aria-labelledby": "mem-title" }, h("h2", { id: "mem-title" }, "Memories"), memory, search),
    h("section", { class: "card", "aria-labelledby": "help-title" }, h("h2", { id: "help-title" }, "Help"), helpSearch(api)),
    h("section", { class: "card", "aria-labelledby": "tc-title" }, h("h2", { id: "tc-title" }, "Trusted contacts"),
      h("p", { class: "muted small" }, "If a conversation raises a crisis alert, they are told to check on you (never what you said)."), contactsForm),
    h("section", { class: "card", "aria-labelledby": "st-title" }, h("h2", { id: "st-title" }, "Settings"), stateForm),
    h("section", { class: "card", "aria-labelledby": "data-title" }, h("h2", { id: "data-title" }, "Your data"),
      h("div", { class: "row" }, exportBtn, eraseBtn), eraseStatus));
  return undefined;
}
