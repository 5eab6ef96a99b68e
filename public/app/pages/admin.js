// Admin console (custom claim admin: true): crisis alerts live from a listener on crisisAlerts with
// acknowledge / resolve / clear-safety, live sessions, figures and charts, the yearly referral report.
// HTTP: POST /admin/crisis-alerts/{id}/acknowledge|resolve, /admin/sessions/{id}/clear-safety;
// GET /admin/sessions?status=active, /admin/stats, /admin/reports/crisis-referrals?year; active rooms
// (admin_rooms.js): GET /admin/rooms?status=active, POST /admin/rooms/{id}/end; knowledge-base documents
// (admin_kb.js): GET|POST /admin/kb/documents, GET|PUT|DELETE /admin/kb/documents/{id}.
// Listener: crisisAlerts ordered by createdAt desc (admins may read every document).
import { collection, limit, onSnapshot, orderBy, query } from "../firebase.js";
import { download, errorText } from "../api.js";
import { fill, h, field, toast, formatDateTime, levelBadge } from "../ui.js";
import { chart } from "../charts.js";
import { activeRooms } from "../admin_rooms.js";
import { knowledgeBase } from "../admin_kb.js";

/** @param {import("../types").PageContext} ctx */
export async function render({ main, api, db }) {
  const alerts = h("ul", { class: "plain", "data-testid": "alerts", "aria-live": "polite" });
  const flash = h("p", { role: "alert", class: "visually-hidden" });
  let known = null;

  async function alertAction(id, action, note = undefined) {
    const params = { path: { alertId: id } };
    const { error, response } = action === "acknowledge"
      ? await api.POST("/api/v1/admin/crisis-alerts/{alertId}/acknowledge", { params, body: {} })
      : await api.POST("/api/v1/admin/crisis-alerts/{alertId}/resolve", { params, body: { note } });
    toast(error ? errorText(error, response) : `Alert ${action === "acknowledge" ? "acknowledged" : "resolved"}`);
  }
  async function clearSafety(sessionId, note) {
    const { error, response } = await api.POST("/api/v1/admin/sessions/{sessionId}/clear-safety", {
      params: { path: { sessionId } }, body: { note },
    });
    toast(error ? errorText(error, response) : "Session safety level cleared");
  }
  const alertRow = (a) => {
    const note = h("input", { type: "text", name: "note", maxlength: 1000, required: true });
    const noteForm = h("form", { class: "row" }, ...field("Note (what was done)", note),
      h("button", { type: "submit" }, "Resolve"),
      a.sessionId.startsWith("ai-chat-") ? null : h("button", { type: "button", class: "secondary", onclick: () => {
        if (note.reportValidity()) clearSafety(a.sessionId, note.value);
      } }, "Clear session safety"));
    noteForm.addEventListener("submit", (e) => { e.preventDefault(); alertAction(a.id, "resolve", note.value); });
    return h("li", { "data-alert-id": a.id, "data-status": a.status },
      levelBadge(a.level), " ", h("strong", {}, a.status), ` · ${formatDateTime(a.createdAt)} · user ${a.userId} · session ${a.sessionId} · ${a.source}`,
      h("p", { class: "small muted" }, `Signals: ${a.signals.join(", ") || "—"}`,
        a.acknowledgedBy ? ` · acknowledged by ${a.acknowledgedBy}` : "", a.resolutionNote ? ` · note: ${a.resolutionNote}` : ""),
      a.status === "active" ? h("button", { type: "button", onclick: () => alertAction(a.id, "acknowledge") }, "Acknowledge") : null,
      a.status !== "resolved" ? noteForm : null);
  };
  const stopAlerts = onSnapshot(query(collection(db, "crisisAlerts"), orderBy("createdAt", "desc"), limit(50)), (snap) => {
    /** @type {any[]} */
    const rows = snap.docs.map((d) => ({ id: d.id, ...d.data() }));
    const fresh = known ? rows.filter((a) => !known.has(a.id) && a.status === "active") : [];
    known = new Set(rows.map((a) => a.id));
    if (fresh.length) flash.textContent = `New crisis alert: ${fresh[0].level}`;
    alerts.replaceChildren(...(rows.length ? rows.map(alertRow) : [h("li", { class: "muted" }, "No alerts.")]));
  }, (error) => alerts.replaceChildren(h("li", { class: "error" }, `Alert listener stopped: ${error.code || error.message}`)));

  const rooms = activeRooms(api);
  const kb = knowledgeBase(api);

  // Live sessions and figures.
  const liveBox = h("div", { "data-testid": "live-sessions" });
  const figures = h("dl", { class: "stats" });
  async function loadLive() {
    const [stats, active, paused] = await Promise.all([
      api.GET("/api/v1/admin/stats"),
      api.GET("/api/v1/admin/sessions", { params: { query: { status: "active", limit: 20, page: 1 } } }),
      api.GET("/api/v1/admin/sessions", { params: { query: { status: "paused", limit: 20, page: 1 } } }),
    ]);
    const live = { error: active.error || paused.error, response: active.error ? active.response : paused.response,
      data: active.data && paused.data ? { sessions: [...active.data.sessions, ...paused.data.sessions] } : null };
    if (stats.data) {
      const s = stats.data;
      figures.replaceChildren(...[["Live sessions", s.activeSessions], ["Active users", s.activeUsers], ["Profiles", s.totalProfiles]]
        .map(([k, v]) => h("div", {}, h("dt", {}, k), h("dd", {}, String(v)))));
    }
    liveBox.replaceChildren(live.data && live.data.sessions.length ? h("div", { class: "table-wrap" }, h("table", {},
      h("caption", { class: "visually-hidden" }, "Live sessions"),
      h("thead", {}, h("tr", {}, ["Started", "User", "Companion", "Status", "Messages", "Safety"].map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", {}, live.data.sessions.map((s) => h("tr", {},
        h("td", {}, formatDateTime(s.startedAt)), h("td", {}, s.userId), h("td", {}, s.avatar), h("td", {}, s.status),
        h("td", {}, String(s.messageCount)), h("td", {}, levelBadge(s.safetyState)))))))
      : h("p", { class: "muted" }, live.error ? errorText(live.error, live.response) : "No live sessions."));
  }

  // Usage by day (rollup documents) and the live figures.
  const liveFigures = h("dl", { class: "stats", "data-testid": "live-figures" });
  const usageCharts = h("div", { class: "grid two", "data-testid": "usage-charts" });
  const usageNote = h("p", { class: "muted small", role: "status" });
  const isoDay = (d) => d.toISOString().slice(0, 10);
  const to = h("input", { type: "date", name: "to", value: isoDay(new Date()) });
  const from = h("input", { type: "date", name: "from", value: isoDay(new Date(Date.now() - 13 * 86400000)) });
  const usageForm = h("form", { class: "row" }, ...field("From", from), ...field("To", to),
    h("button", { type: "submit" }, "Show"),
    h("button", { type: "button", class: "secondary", onclick: () => loadUsage(true) }, "Recompute these days"));
  usageForm.addEventListener("submit", (e) => { e.preventDefault(); loadUsage(false); });
  async function loadLiveFigures() {
    const { data } = await api.GET("/api/v1/admin/analytics/live");
    if (!data) return;
    const ms = (v) => (v == null ? "—" : `${Math.round(v)} ms`);
    liveFigures.replaceChildren(...[["Live sessions", data.liveSessions], ["Messages / s (5 min)", data.messagesPerSecond.toFixed(2)],
      ["AI response", ms(data.averageResponseTimeMs)], ["Error rate", data.errorRate == null ? "—" : `${(data.errorRate * 100).toFixed(1)} %`]]
      .map(([k, v]) => h("div", {}, h("dt", {}, k), h("dd", {}, String(v)))));
  }
  async function loadUsage(recompute) {
    const range = { from: from.value, to: to.value };
    if (recompute) {
      const r = await api.POST("/api/v1/admin/analytics/rollup", { body: range });
      if (r.error) { toast(errorText(r.error, r.response)); return; }
      toast(`${r.data.changed} day(s) updated`);
    }
    const { data, error, response } = await api.GET("/api/v1/admin/analytics/daily", { params: { query: range } });
    if (error || !data) { usageNote.textContent = errorText(error, response); return; }
    usageNote.textContent = data.missing.length ? `${data.missing.length} day(s) without a rollup yet: "Recompute these days" fills them.` : "";
    usageCharts.replaceChildren();
    if (!data.days.length) return;
    const labels = data.days.map((d) => d.date);
    const a = h("div"); const b = h("div");
    usageCharts.append(h("div", {}, h("h3", {}, "Sessions and active users"), a), h("div", {}, h("h3", {}, "Completion rate and rating"), b));
    await chart(a, { type: "bar", label: "Sessions started and distinct active users per day", labels, yMin: 0, datasets: [
      { label: "Sessions", data: data.days.map((d) => d.totalSessions), backgroundColor: "#1f5fa8" },
      { label: "Active users", data: data.days.map((d) => d.activeUsers), backgroundColor: "#6b8e23" }] });
    await chart(b, { type: "line", label: "Completion rate (0-1) and average rating divided by 5 per day", labels, yMin: 0, yMax: 1, datasets: [
      { label: "Completion rate", data: data.days.map((d) => d.completionRate), borderColor: "#1f5fa8" },
      { label: "Rating / 5", data: data.days.map((d) => (d.averageRating == null ? null : d.averageRating / 5)), borderColor: "#a3222a" }] });
  }

  // The yearly referral report (counts only) and its charts.
  const year = h("input", { type: "number", name: "year", min: 2020, max: 2100, value: new Date().getUTCFullYear() });
  const reportCharts = h("div", { class: "grid two", "data-testid": "report-charts" });
  const reportForm = h("form", { class: "row" }, ...field("Year", year),
    h("button", { type: "submit" }, "Show"), h("button", { type: "button", class: "secondary", onclick: () => loadReport(true) }, "Download report (CSV)"));
  reportForm.addEventListener("submit", (e) => { e.preventDefault(); loadReport(false); });
  async function loadReport(save) {
    const { data: answer, error, response } = await api.GET("/api/v1/admin/reports/crisis-referrals", { params: { query: { year: Number(year.value) } } });
    if (error || !answer) { toast(errorText(error, response)); return; }
    // Asked without ?format=csv, the report is the JSON form (the spec also lists the CSV one).
    const data = /** @type {import("../api/schema").components["schemas"]["ReferralReport"]} */ (answer);
    if (save) {
      // The same rows as the API's ?format=csv.
      const lines = [["metric", "key", "count"], ["year", "", data.year], ["crisis_referrals", "total", data.crisisReferrals],
        ...Object.entries(data.byLevel).map(([k, v]) => ["crisis_referrals_by_level", k, v]),
        ...Object.entries(data.byMonth).map(([k, v]) => ["crisis_referrals_by_month", `${data.year}-${k}`, v]),
        ["helper_support_referrals", "total", data.helperSupportReferrals], ...data.protocolVersions.map((v) => ["protocol_version", v, ""]),
        ["crisis_alerts", "total", data.crisisAlerts], ["crisis_alerts", "acknowledged", data.acknowledged], ["crisis_alerts", "resolved", data.resolved]];
      download(new Blob([lines.map((l) => l.join(",")).join("\n") + "\n"], { type: "text/csv" }), `crisis-referrals-${data.year}.csv`);
      return;
    }
    reportCharts.replaceChildren();
    const months = Object.keys(data.byMonth).sort();
    const monthBox = h("div"); const levelBox = h("div");
    reportCharts.append(h("div", {}, h("h3", {}, `Crisis referrals by month, ${data.year}`), monthBox), h("div", {}, h("h3", {}, "Crisis referrals by level"), levelBox));
    await chart(monthBox, { type: "line", label: `Crisis referrals per month in ${data.year}`, labels: months,
      datasets: [{ label: "Referrals", data: months.map((m) => data.byMonth[m]), borderColor: "#a3222a" }], yMin: 0 });
    await chart(levelBox, { type: "bar", label: "Crisis referrals by level", labels: Object.keys(data.byLevel),
      datasets: [{ label: "Referrals", data: Object.values(data.byLevel), backgroundColor: "#1f5fa8" }], yMin: 0 });
  }

  fill(main, h("h1", {}, "Admin console"), flash,
    h("section", { class: "card", "aria-labelledby": "al-title" }, h("h2", { id: "al-title" }, "Crisis alerts (live)"), alerts),
    h("section", { class: "card", "aria-labelledby": "live-title" }, h("h2", { id: "live-title" }, "Now"), figures, liveFigures, liveBox,
      h("button", { type: "button", class: "secondary", onclick: () => { loadLive(); loadLiveFigures(); rooms.load(); } }, "Refresh")),
    h("section", { class: "card", "aria-labelledby": "rooms-title" }, h("h2", { id: "rooms-title" }, "Active rooms"), rooms.box),
    h("section", { class: "card", "aria-labelledby": "use-title" }, h("h2", { id: "use-title" }, "Usage by day (UTC)"), usageForm, usageNote, usageCharts),
    h("section", { class: "card", "aria-labelledby": "rep-title" }, h("h2", { id: "rep-title" }, "Referral report"), reportForm, reportCharts),
    h("section", { class: "card", "aria-labelledby": "kb-title", "data-testid": "kb" }, h("h2", { id: "kb-title" }, "Knowledge base"), kb.box));
  await Promise.all([loadLive(), loadLiveFigures(), rooms.load(), loadUsage(false), loadReport(false), kb.load()]);
  const refresh = setInterval(() => { loadLive(); loadLiveFigures(); rooms.load(); }, 15_000);
  return () => { stopAlerts(); clearInterval(refresh); };
}
