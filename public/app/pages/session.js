// Active session: the live transcript (streaming AI replies, typing indicator), timer, credits and the
// low-credit warning, pause/resume/end and an emergency end, a heartbeat every 30 s, the connection state
// from the listener's metadata, and the locale's crisis resources while the session carries them.
// HTTP: GET /sessions/active, /sessions/{id}; POST /sessions/{id}/messages|heartbeat|pause|resume|end.
// Listeners: sessions/{id} (with metadata changes), sessions/{id}/messages ordered by createdAt.
import { doc, collection, query, orderBy, onSnapshot } from "../firebase.js";
import { errorText, idempotencyKey } from "../api.js";
import { fill, h, toast, formatClock, levelBadge, crisisPanel, confirmDialog } from "../ui.js";

const HEARTBEAT_MS = 30_000;
const BREAK_EVERY_SECONDS = 25 * 60;
const LIVE = new Set(["active", "paused"]);
const ENDED = new Set(["completed", "cancelled", "missed"]);

/** Active seconds: started→now (or ended), less the paused time so far (the server's own rule). */
export function activeSeconds(s, now = Date.now()) {
  if (!s.startedAt) return 0;
  const started = s.startedAt.toMillis ? s.startedAt.toMillis() : Date.parse(s.startedAt);
  const endMs = s.endedAt ? (s.endedAt.toMillis ? s.endedAt.toMillis() : Date.parse(s.endedAt)) : now;
  let paused = s.pausedSeconds || 0;
  if (s.status === "paused" && s.pausedAt) {
    const at = s.pausedAt.toMillis ? s.pausedAt.toMillis() : Date.parse(s.pausedAt);
    paused += (now - at) / 1000;
  }
  return Math.max(0, (endMs - started) / 1000 - paused);
}

/** @param {import("../types").PageContext} ctx */
export async function render({ main, api, db, args, navigate }) {
  let id = args[0];
  if (!id) {
    const { data } = await api.GET("/api/v1/sessions/active");
    if (data && data.session) id = data.session.id;
  }
  if (!id) {
    fill(main, h("h1", {}, "Session"), h("p", {}, "No live session. ", h("a", { href: "#/lobby" }, "Start one in the lobby.")));
    return undefined;
  }
  const stops = [];
  let session = null;

  const crisis = h("div", { "aria-live": "assertive" });
  const statusBadge = h("span", { class: "badge", "data-testid": "status" }, "…");
  const conn = h("span", { class: "conn", "data-testid": "connection", role: "status" }, "connecting…");
  const timer = h("dd", { "data-testid": "timer" }, "00:00");
  const remaining = h("dd", {}, "—");
  const credits = h("dd", { "data-testid": "session-credits" }, "—");
  const safety = h("dd", {}, levelBadge("NORMAL"));
  const warning = h("div", { role: "status", "aria-live": "polite" });
  const breakNote = h("div", { role: "status", "aria-live": "polite" });
  const transcript = h("div", { class: "transcript", role: "log", "aria-label": "Conversation", "aria-live": "polite", tabindex: "0", "data-testid": "transcript" });
  const typing = h("p", { class: "typing", "aria-live": "polite", "data-testid": "typing" });
  const input = h("textarea", { id: "say", name: "message", maxlength: 4000, required: true, rows: 2 });
  const send = h("button", { type: "submit" }, "Send");
  const pauseBtn = h("button", { type: "button", class: "secondary" }, "Pause");
  const endBtn = h("button", { type: "button", class: "secondary" }, "End session");
  const emergencyBtn = h("button", { type: "button", class: "danger" }, "Emergency end");
  const ended = h("div", { "aria-live": "polite" });

  const composer = h("form", { class: "row", "aria-label": "Send a message" },
    h("label", { for: "say", class: "visually-hidden" }, "Your message"), input, send);
  composer.addEventListener("submit", async (event) => {
    event.preventDefault();
    const content = input.value.trim();
    if (!content) return;
    send.disabled = true;
    const { error, response } = await api.POST("/api/v1/sessions/{sessionId}/messages", {
      params: { path: { sessionId: id } },
      body: { content, clientMessageId: crypto.randomUUID(), type: "text", reply: true },
    });
    send.disabled = false;
    if (error) { toast(errorText(error, response)); return; }
    input.value = "";
    input.focus();
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); composer.requestSubmit(); }
  });

  const params = () => ({ path: { sessionId: id }, header: { "Idempotency-Key": idempotencyKey() } });
  const controls = {
    pause: () => api.POST("/api/v1/sessions/{sessionId}/pause", { params: params(), body: {} }),
    resume: () => api.POST("/api/v1/sessions/{sessionId}/resume", { params: params(), body: {} }),
    end: (reason) => api.POST("/api/v1/sessions/{sessionId}/end", { params: params(), body: { reason } }),
  };
  async function control(action, reason = undefined) {
    const { error, response } = await controls[action](reason);
    if (error) toast(errorText(error, response));
  }
  pauseBtn.addEventListener("click", () => control(session && session.status === "paused" ? "resume" : "pause"));
  endBtn.addEventListener("click", async () => {
    if (await confirmDialog({ title: "End this session?", text: "Started minutes are charged; the summary appears in History.", confirmLabel: "End session" })) {
      await control("end", "user_ended");
    }
  });
  // An emergency end needs no confirmation: it stops at once and keeps the resources on screen.
  emergencyBtn.addEventListener("click", () => control("end", "emergency"));

  fill(main,
    crisis,
    h("h1", {}, "Session ", statusBadge),
    h("p", { class: "muted small" }, "You are talking with an AI companion, not a person or a clinician. ", conn),
    h("section", { class: "card", "aria-label": "Session details" },
      h("dl", { class: "stats" },
        h("div", {}, h("dt", {}, "Elapsed"), timer),
        h("div", {}, h("dt", {}, "Time left"), remaining),
        h("div", {}, h("dt", {}, "Credits"), credits),
        h("div", {}, h("dt", {}, "Safety"), safety)),
      warning, breakNote,
      h("div", { class: "row" }, pauseBtn, endBtn, emergencyBtn)),
    h("section", { class: "card", "aria-labelledby": "conv-title" },
      h("h2", { id: "conv-title" }, "Conversation"), transcript, typing, composer),
    ended);

  // The session document: status, credits, warning, typing, safety, resources; metadata → connection.
  stops.push(onSnapshot(doc(db, "sessions", id), { includeMetadataChanges: true }, (snap) => {
    const meta = snap.metadata;
    conn.className = `conn ${meta.fromCache ? "offline" : meta.hasPendingWrites ? "pending" : "online"}`;
    conn.textContent = meta.fromCache ? "Offline: showing saved data, reconnecting…" : meta.hasPendingWrites ? "Syncing…" : "Live";
    if (!snap.exists()) return;
    session = snap.data();
    statusBadge.textContent = session.status;
    credits.textContent = `${session.creditsRemaining} min`;
    safety.replaceChildren(levelBadge(session.safetyState));
    typing.textContent = session.aiTyping ? "The companion is typing…" : "";
    warning.replaceChildren(session.warning ? h("p", { class: "warning", "data-testid": "low-credit" }, session.warning.message) : "");
    // Once a session carries resources they stay on screen for the rest of it (and after it ends).
    if (session.crisisResources && !crisis.firstChild) crisis.append(crisisPanel(session.crisisResources));
    const live = LIVE.has(session.status);
    pauseBtn.textContent = session.status === "paused" ? "Resume" : "Pause";
    for (const b of [pauseBtn, endBtn, emergencyBtn]) b.disabled = !live;
    input.disabled = send.disabled = session.status !== "active";
    if (ENDED.has(session.status) && !ended.firstChild) {
      ended.append(h("section", { class: "card", role: "status" },
        h("h2", {}, "Session ended"), h("p", {}, `Reason: ${(session.endReason || session.status).replaceAll("_", " ")}. `,
          h("a", { href: `#/history/${id}` }, "See the summary in History"))));
    }
    tick();
  }, (error) => { conn.className = "conn offline"; conn.textContent = `Listener stopped: ${error.code || error.message}`; }));

  // Messages in order; an AI reply grows in place while it streams.
  const rows = new Map();
  stops.push(onSnapshot(query(collection(db, "sessions", id, "messages"), orderBy("createdAt")), (snap) => {
    for (const change of snap.docChanges()) {
      const m = change.doc.data();
      if (change.type === "removed") { rows.get(change.doc.id)?.remove(); rows.delete(change.doc.id); continue; }
      let row = rows.get(change.doc.id);
      if (!row) {
        row = h("div", { class: "msg", "data-message-id": change.doc.id }, h("span", { class: "who" }), h("span", { class: "text" }));
        rows.set(change.doc.id, row);
        transcript.append(row);
      }
      // "system": the backend's notices (you are talking to an AI; break reminders), not the person.
      const kind = m.speaker === "ai" || m.speaker === "system" ? m.speaker : "user";
      row.className = `msg ${kind} ${m.status === "streaming" ? "streaming" : ""}`;
      row.dataset.status = m.status;
      row.querySelector(".who").textContent = { ai: "Companion", system: "Notice", user: "You" }[kind];
      row.querySelector(".text").textContent = m.content;
    }
    transcript.scrollTop = transcript.scrollHeight;
  }));

  function tick() {
    if (!session) return;
    const seconds = activeSeconds(session);
    timer.textContent = formatClock(seconds);
    remaining.textContent = formatClock(session.plannedDuration * 60 - seconds);
    const breaks = Math.floor(seconds / BREAK_EVERY_SECONDS);
    breakNote.textContent = session.status === "active" && breaks > 0 && seconds % BREAK_EVERY_SECONDS < 60
      ? "You have been talking for a while: a short break, a glass of water or a stretch can help." : "";
  }
  const clock = setInterval(tick, 1000);
  // The heartbeat keeps the session from the idle sweep and charges a newly started minute.
  const beat = () => { if (session && session.status === "active") api.POST("/api/v1/sessions/{sessionId}/heartbeat", { params: { path: { sessionId: id } }, body: {} }); };
  const heartbeat = setInterval(beat, HEARTBEAT_MS);
  beat();

  return () => {
    stops.forEach((stop) => stop());
    clearInterval(clock);
    clearInterval(heartbeat);
  };
}
