// History: the caller's sessions (paged, filtered by status), and one session in detail: transcript,
// summary, topics and emotions, a mood chart (message sentiment over the session), safety events, and
// CSV/PDF downloads. HTTP: GET /sessions, /sessions/{id}, /sessions/{id}/transcript, /sessions/{id}/summary,
// /sessions/{id}/export. Firestore read: sessions/{id}/events (safety.* events).
import { collection, getDocs, orderBy, query } from "../firebase.js";
import { download, errorText } from "../api.js";
import { fill, h, field, formatDateTime, formatClock, levelBadge, crisisPanel } from "../ui.js";
import { chart } from "../charts.js";

const STATUSES = ["", "completed", "active", "paused", "pending", "cancelled", "missed"];
const PAGE_SIZE = 10;
// "system": the backend's notices (you are talking to an AI; break reminders), not the person.
const kindOf = (m) => (m.speaker === "ai" || m.speaker === "system" ? m.speaker : "user");

/** @param {import("../types").PageContext} ctx */
export async function render(ctx) {
  if (ctx.args[0]) return detail(ctx, ctx.args[0]);
  return list(ctx);
}

/** @param {import("../types").PageContext} ctx */
async function list({ main, api }) {
  const params = new URLSearchParams(location.hash.split("?")[1] || "");
  let page = Number(params.get("page") || 1);
  const status = h("select", { name: "status" }, STATUSES.map((s) => h("option", { value: s }, s || "any")));
  status.value = params.get("status") || "";
  const body = h("div", { "aria-live": "polite" });
  const prev = h("button", { type: "button", class: "secondary" }, "Previous page");
  const next = h("button", { type: "button", class: "secondary" }, "Next page");
  const where = h("span", { class: "muted" });
  async function load() {
    const query = { page, limit: PAGE_SIZE, ...(status.value ? { status: status.value } : {}) };
    const { data, error, response } = await api.GET("/api/v1/sessions", { params: { query } });
    if (error || !data) { body.replaceChildren(h("p", { class: "error" }, errorText(error, response))); return; }
    const { pages, total } = data.pagination;
    where.textContent = `Page ${page} of ${Math.max(pages, 1)} · ${total} sessions`;
    prev.disabled = page <= 1;
    next.disabled = page >= pages;
    body.replaceChildren(data.sessions.length ? h("div", { class: "table-wrap" }, h("table", {},
      h("caption", { class: "visually-hidden" }, "Your sessions"),
      h("thead", {}, h("tr", {}, ["When", "Companion", "Status", "Length", "Safety", ""].map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", {}, data.sessions.map((s) => h("tr", {},
        h("td", {}, formatDateTime(s.startedAt || s.scheduledAt || s.createdAt)),
        h("td", {}, s.avatar), h("td", {}, s.status),
        h("td", {}, s.durationSeconds != null ? formatClock(s.durationSeconds) : "—"),
        h("td", {}, levelBadge(s.highestSafetyState)),
        h("td", {}, h("a", { href: `#/history/${s.id}`, "aria-label": `Details of the session of ${formatDateTime(s.createdAt)}` }, "Details")))))))
      : h("p", { class: "muted" }, "No sessions match."));
  }
  status.addEventListener("change", () => { page = 1; load(); });
  prev.addEventListener("click", () => { page -= 1; load(); });
  next.addEventListener("click", () => { page += 1; load(); });
  fill(main, h("h1", {}, "History"),
    h("section", { class: "card" }, h("div", { class: "row" }, ...field("Status", status)), body,
      h("div", { class: "row" }, prev, next, where)));
  await load();
  return undefined;
}

/**
 * @param {import("../types").PageContext} ctx
 * @param {string} id
 */
async function detail({ main, api, db }, id) {
  const sessionRes = await api.GET("/api/v1/sessions/{sessionId}", { params: { path: { sessionId: id } } });
  if (sessionRes.error || !sessionRes.data) {
    fill(main, h("h1", {}, "Session"), h("p", { class: "error" }, errorText(sessionRes.error, sessionRes.response)));
    return undefined;
  }
  const s = sessionRes.data.session;
  const messages = [];
  for (let cursor = undefined, i = 0; i < 50; i += 1) {
    const { data } = await api.GET("/api/v1/sessions/{sessionId}/transcript", { params: { path: { sessionId: id }, query: { limit: 200, ...(cursor ? { cursor } : {}) } } });
    if (!data) break;
    messages.push(...data.transcript.messages);
    cursor = data.transcript.nextCursor;
    if (!cursor) break;
  }
  const summaryBox = h("div", { "data-testid": "summary", "aria-live": "polite" });
  const chartBox = h("div");
  const eventsList = h("ul", { class: "plain" });

  const downloadAs = async (format) => {
    const { data, error, response } = await api.GET("/api/v1/sessions/{sessionId}/export", {
      params: { path: { sessionId: id }, query: { format } }, parseAs: "blob",
    });
    if (error || !data) { summaryBox.append(h("p", { class: "error" }, errorText(error, response))); return; }
    download(data, `session-${id}.${format}`);
  };

  fill(main,
    s.crisisResources ? crisisPanel(s.crisisResources) : null,
    h("h1", {}, `Session of ${formatDateTime(s.startedAt || s.createdAt)}`),
    h("p", {}, h("a", { href: "#/history" }, "Back to history")),
    h("section", { class: "card" },
      h("dl", { class: "stats" },
        h("div", {}, h("dt", {}, "Companion"), h("dd", {}, s.avatar)),
        h("div", {}, h("dt", {}, "Status"), h("dd", {}, s.status)),
        h("div", {}, h("dt", {}, "Active time"), h("dd", {}, s.durationSeconds != null ? formatClock(s.durationSeconds) : "—")),
        h("div", {}, h("dt", {}, "Credits used"), h("dd", {}, String(s.creditsUsed))),
        h("div", {}, h("dt", {}, "Highest safety level"), h("dd", {}, levelBadge(s.highestSafetyState)))),
      h("div", { class: "row" },
        h("button", { type: "button", onclick: () => downloadAs("csv") }, "Download CSV"),
        h("button", { type: "button", class: "secondary", onclick: () => downloadAs("pdf") }, "Download PDF"))),
    h("section", { class: "card", "aria-labelledby": "sum-title" }, h("h2", { id: "sum-title" }, "Summary"), summaryBox),
    h("section", { class: "card", "aria-labelledby": "mood-title" }, h("h2", { id: "mood-title" }, "Mood over the session"), chartBox),
    h("section", { class: "card", "aria-labelledby": "safety-title" }, h("h2", { id: "safety-title" }, "Safety events"), eventsList),
    h("section", { class: "card", "aria-labelledby": "tr-title" }, h("h2", { id: "tr-title" }, `Transcript (${messages.length} messages)`),
      h("div", { class: "transcript", tabindex: "0", role: "log", "aria-label": "Transcript" }, messages.map((m) =>
        h("div", { class: `msg ${kindOf(m)}` },
          h("span", { class: "who" }, `${{ ai: "Companion", system: "Notice", user: "You" }[kindOf(m)]} · ${formatClock(m.timestampInSession)}`,
            m.sentiment ? ` · ${m.sentiment.label}` : "", m.safety && m.safety.level !== "NORMAL" ? [" · ", levelBadge(m.safety.level)] : ""),
          h("span", { class: "text" }, m.content))))));

  // Summary: 202 while the memory is being written, then the summary with topics and emotions.
  const loadSummary = async (attempt = 0) => {
    const { data, error, response } = await api.GET("/api/v1/sessions/{sessionId}/summary", { params: { path: { sessionId: id } } });
    if (response.status === 202 && attempt < 20) {
      summaryBox.replaceChildren(h("p", { class: "muted" }, "The summary is being written…"));
      setTimeout(() => loadSummary(attempt + 1), 1500);
      return;
    }
    if (error || !data || !data.summary) { summaryBox.replaceChildren(h("p", { class: "muted" }, error ? errorText(error, response) : "No summary for this session.")); return; }
    const sm = data.summary;
    summaryBox.replaceChildren(h("p", {}, sm.summary),
      h("p", {}, h("strong", {}, "Topics: "), sm.keyTopics.join(", ") || "—"),
      h("p", {}, h("strong", {}, "Emotions: "), sm.detectedEmotions.join(", ") || "—"),
      sm.nextSteps.length ? h("p", {}, h("strong", {}, "Next steps: "), sm.nextSteps.join("; ")) : null);
  };
  if (["completed", "cancelled", "missed"].includes(s.status)) loadSummary();
  else summaryBox.append(h("p", { class: "muted" }, "The summary is written when the session ends."));

  const mood = messages.filter((m) => kindOf(m) === "user" && m.sentiment);
  if (mood.length) {
    await chart(chartBox, {
      type: "line", label: "Sentiment of your messages over the session, from -1 (negative) to 1 (positive)",
      labels: mood.map((m) => formatClock(m.timestampInSession)),
      datasets: [{ label: "Sentiment", data: mood.map((m) => m.sentiment.score), borderColor: "#1f5fa8", tension: 0.3 }],
      yMin: -1, yMax: 1,
    });
    chartBox.append(h("p", { class: "visually-hidden" }, mood.map((m) => `${formatClock(m.timestampInSession)}: ${m.sentiment.label}`).join("; ")));
  } else chartBox.append(h("p", { class: "muted" }, "No messages with a mood yet."));

  const events = await getDocs(query(collection(db, "sessions", id, "events"), orderBy("at")));
  const safetyEvents = events.docs.map((d) => d.data()).filter((e) => e.type.startsWith("safety."));
  eventsList.replaceChildren(...(safetyEvents.length ? safetyEvents.map((e) => h("li", {},
    `${formatDateTime(e.at)} · ${e.type.replace("safety.", "").replaceAll("_", " ")} `,
    e.data && e.data.to ? levelBadge(e.data.to) : null, e.actor ? h("span", { class: "muted small" }, ` by ${e.actor}`) : null))
    : [h("li", { class: "muted" }, "None.")]));
  return undefined;
}
