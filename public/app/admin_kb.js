// The admin console's knowledge base: the documents replies are grounded on and users search.
// HTTP: GET /admin/kb/documents?page&limit (no text), POST /admin/kb/documents {title, text} with an
// Idempotency-Key, GET|PUT|DELETE /admin/kb/documents/{id}. A document is replaced whole (title and text).
import { errorText, idempotencyKey } from "./api.js";
import { h, field, toast, formatDateTime, confirmDialog } from "./ui.js";

const PAGE_SIZE = 10;
const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** The envelope's message and, for a validation error, which field failed and why. */
function envelopeText(error, response) {
  const details = error && error.error && Array.isArray(error.error.details) ? error.error.details : [];
  const fields = details.filter((d) => d && d.field && d.message).map((d) => `${d.field}: ${d.message}`);
  return [errorText(error, response), ...fields].join(" ");
}

/** @param {import("./types").Api} api */
export function knowledgeBase(api) {
  let page = 1;
  /** @type {string | null} the document the form replaces; null = the form adds a new one */
  let editing = null;
  // One key per content sent: a double click or a retry of the same document answers the document the
  // first request made; a different title or text is a different request and gets a new key.
  let pending = { body: "", key: "" };

  const list = h("div", { "data-testid": "kb-documents" });
  const pager = h("div", { class: "row" });
  const heading = h("h3", { id: "kb-form-title" }, "Add a document");
  const title = h("input", { type: "text", name: "title", required: true, maxlength: 200 });
  const text = h("textarea", { name: "text", required: true, maxlength: 60000, rows: 8 });
  const save = h("button", { type: "submit" }, "Add document");
  const cancel = h("button", { type: "button", class: "secondary", hidden: true }, "Cancel editing");
  const formError = h("p", { class: "error", role: "alert" });
  const form = h("form", { "aria-labelledby": "kb-form-title", "data-testid": "kb-form" }, heading,
    ...field("Title", title), ...field("Text (plain text or markdown)", text),
    h("p", { class: "muted small" }, "Saved text is cut into chunks, indexed for search and used to ground replies."),
    h("div", { class: "row" }, save, cancel), formError);

  function resetForm() {
    editing = null;
    form.reset();
    heading.textContent = "Add a document";
    save.textContent = "Add document";
    cancel.hidden = true;
    formError.textContent = "";
  }
  cancel.addEventListener("click", resetForm);

  async function edit(documentId) {
    const { data, error, response } = await api.GET("/api/v1/admin/kb/documents/{documentId}", { params: { path: { documentId } } });
    if (error || !data) { toast(errorText(error, response)); return; }
    editing = documentId;
    title.value = data.document.title;
    text.value = data.document.text;
    heading.textContent = `Replace “${data.document.title}”`;
    save.textContent = "Save changes";
    cancel.hidden = false;
    formError.textContent = "";
    title.focus();
  }

  async function remove(doc) {
    const ok = await confirmDialog({ title: "Delete this document?", confirmLabel: "Delete document",
      text: `“${doc.title}” and its ${plural(doc.chunks, "chunk")} leave search and grounding for good.` });
    if (!ok) return;
    const { error, response } = await api.DELETE("/api/v1/admin/kb/documents/{documentId}", { params: { path: { documentId: doc.id } } });
    toast(error ? envelopeText(error, response) : "Document deleted");
    if (!error && editing === doc.id) resetForm();
    await load();
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (save.disabled) return;
    const body = { title: title.value, text: text.value };
    save.disabled = true;
    formError.textContent = "";
    try {
      let result;
      if (editing) {
        result = await api.PUT("/api/v1/admin/kb/documents/{documentId}", { params: { path: { documentId: editing } }, body });
      } else {
        const sent = JSON.stringify(body);
        if (pending.body !== sent) pending = { body: sent, key: idempotencyKey() };
        result = await api.POST("/api/v1/admin/kb/documents", { params: { header: { "Idempotency-Key": pending.key } }, body });
      }
      if (result.error || !result.data) { formError.textContent = envelopeText(result.error, result.response); return; }
      const doc = result.data.document;
      toast(`${editing ? "Saved" : "Added"} “${doc.title}” (${plural(doc.chunks, "chunk")})`);
      if (!editing) page = 1;  // newest first: the new document is on the first page
      resetForm();
      await load();
    } finally {
      save.disabled = false;
    }
  });

  async function load() {
    const { data, error, response } = await api.GET("/api/v1/admin/kb/documents", { params: { query: { page, limit: PAGE_SIZE } } });
    if (error || !data) { list.replaceChildren(h("p", { class: "error" }, errorText(error, response))); return; }
    const { pages, total } = data.pagination;
    if (page > 1 && page > pages) { page = Math.max(1, pages); await load(); return; }
    // A list, not a table: each document's facts wrap under its title, readable at 390 px.
    list.replaceChildren(data.documents.length ? h("ul", { class: "plain", "aria-label": "Knowledge-base documents" },
      data.documents.map((d) => h("li", { "data-document-id": d.id },
        h("strong", {}, d.title),
        h("p", { class: "small muted" }, [`${d.chars.toLocaleString()} characters`, plural(d.chunks, "chunk"),
          `updated ${formatDateTime(d.updatedAt)}`, d.source ? `from ${d.source}` : "added here", d.embeddingModel].join(" · ")),
        h("div", { class: "row" },
          h("button", { type: "button", class: "secondary", "aria-label": `Edit ${d.title}`, onclick: () => edit(d.id) }, "Edit"),
          h("button", { type: "button", class: "danger", "aria-label": `Delete ${d.title}`, onclick: () => remove(d) }, "Delete")))))
      : h("p", { class: "muted" }, "No documents yet: replies are not grounded on anything."));
    const paged = pages > 1;  // one page: just the count, no buttons that cannot do anything
    pager.replaceChildren(...[
      paged ? h("button", { type: "button", class: "secondary", disabled: page <= 1, onclick: () => { page -= 1; load(); } }, "Previous") : null,
      h("span", { class: "small muted", "aria-live": "polite" }, paged ? `Page ${page} of ${pages} · ${plural(total, "document")}` : plural(total, "document")),
      paged ? h("button", { type: "button", class: "secondary", disabled: page >= pages, onclick: () => { page += 1; load(); } }, "Next") : null,
    ].filter(Boolean));  // replaceChildren would print a null
  }

  const box = h("div", {}, list, pager, form);
  return { box, load: () => load().catch((e) => list.replaceChildren(h("p", { class: "error" }, e.message))) };
}
