// Account: memory on/off and the help-article search.
// HTTP: GET|PUT /user/preferences {memoryEnabled}; GET /kb/search?query&limit.
import { errorText } from "./api.js";
import { h, field } from "./ui.js";

const ON_TEXT = "On: what you talk about is remembered after a session ends, so later replies can recall it and you can search it below.";
const OFF_TEXT = "Off: nothing from sessions that end from now on is remembered, replies recall nothing, and memory search finds nothing. "
  + "What was remembered before stays until you delete your data below; turning memory on again does not bring back the sessions in between.";

/**
 * A labelled switch (a checkbox with role switch) that shows the stored state and says what it means.
 * The checkbox changes only when the server has stored the new value.
 * @param {import("./types").Api} api
 */
export async function memorySwitch(api) {
  const toggle = h("input", { type: "checkbox", role: "switch", id: "memory-toggle", name: "memoryEnabled", "aria-describedby": "memory-explained" });
  const state = h("strong", { "data-testid": "memory-state" });
  const explained = h("p", { id: "memory-explained", class: "small" });
  const problem = h("p", { class: "error", role: "alert" });
  const show = (enabled) => {
    toggle.checked = enabled;
    state.textContent = enabled ? "Memory is on" : "Memory is off";
    explained.textContent = enabled ? ON_TEXT : OFF_TEXT;
  };
  const current = await api.GET("/api/v1/user/preferences");
  if (current.data) show(current.data.preferences.memoryEnabled !== false);
  else { toggle.disabled = true; problem.textContent = errorText(current.error, current.response); }

  toggle.addEventListener("change", async () => {
    const wanted = toggle.checked;
    toggle.disabled = true;
    problem.textContent = "";
    const { data, error, response } = await api.PUT("/api/v1/user/preferences", { body: { memoryEnabled: wanted } });
    toggle.disabled = false;
    if (error || !data) { show(!wanted); problem.textContent = errorText(error, response); return; }
    show(data.preferences.memoryEnabled !== false);
  });
  return h("div", {}, h("div", { class: "check switch" }, toggle, h("label", { for: "memory-toggle" }, "Remember my sessions")),
    h("p", { role: "status" }, state), explained, problem);
}

/** "Search the help articles": the app's knowledge base, one hit per document. @param {import("./types").Api} api */
export function helpSearch(api) {
  const q = h("input", { type: "search", name: "helpQuery", required: true, maxlength: 500 });
  const hits = h("ul", { class: "plain", "aria-live": "polite", "data-testid": "help-results" });
  const form = h("form", { role: "search", "aria-label": "Help articles" }, ...field("Search the help articles", q),
    h("div", { class: "row" }, h("button", { type: "submit" }, "Search help")), hits);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    hits.replaceChildren(h("li", { class: "muted" }, "Searching…"));
    const { data, error, response } = await api.GET("/api/v1/kb/search", { params: { query: { query: q.value, limit: 5 } } });
    if (error || !data) { hits.replaceChildren(h("li", { class: "error" }, errorText(error, response))); return; }
    hits.replaceChildren(...(data.results.length ? data.results.map((r) => h("li", { "data-document-id": r.documentId },
      h("strong", {}, r.title), h("p", { class: "small" }, r.snippet)))
      : [h("li", { class: "muted" }, "No help article matches.")]));
  });
  return form;
}
