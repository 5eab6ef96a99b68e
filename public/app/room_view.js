// One room, live: participants with their roles and presence, the phase with its countdown, the
// transcript with the host's replies streaming in, my own lines, presence toggles, leave and rejoin.
// HTTP: GET /rooms/formats, GET /rooms/{id} → {room, role}; POST /rooms/{id}/lines {content, clientLineId}
// (→ `referral` for the poster whose line raised a crisis), /leave {final: true}, /rejoin.
// Listeners (paths from room.paths): the room (metadata → connection), its lines ordered by createdAt,
// its events ordered by at, its presence documents, and my private document (my referral, if any).
// Writes: my own presence document only (presence.js).
import { doc, collection, query, orderBy, onSnapshot } from "./firebase.js";
import { errorText } from "./api.js";
import { createPresence, isCurrent } from "./presence.js";
import { fill, h, toast, formatClock, crisisPanel, confirmDialog } from "./ui.js";

// The room this tab was last in, so the rooms page can link back to it.
export const LAST_ROOM = "sessions.lastRoom";

const millis = (value) => (!value ? null : typeof value.toMillis === "function" ? value.toMillis() : Date.parse(value));

const EVENT_TEXT = {
  "room.started": () => "Everyone is here: the show starts.",
  "participant.joined": (d) => `Guest ${d.role} joined.`,
  "participant.dropped": (d) => `Guest ${d.role} lost the connection (seat kept for ${Math.round(Number(d.graceSeconds))} s).`,
  "participant.rejoined": (d) => `Guest ${d.role} is back.`,
  "participant.left": (d) => `Guest ${d.role} left.`,
  "show.paused": () => "The host paused the show.",
  "room.ended": () => "The show has ended.",
};

/** @param {import("./types").PageContext & { roomId: string }} ctx */
export async function renderRoom({ main, api, db, user, navigate, roomId }) {
  const [got, formatsRes] = await Promise.all([
    api.GET("/api/v1/rooms/{roomId}", { params: { path: { roomId } } }),
    api.GET("/api/v1/rooms/formats"),
  ]);
  if (got.error || !got.data) {
    const notFound = got.response && got.response.status === 404;
    fill(main, h("h1", {}, "Room"),
      h("p", { role: "status" }, notFound ? "This room is not open to you: you left it, or it does not exist. " : errorText(got.error, got.response)),
      h("p", {}, h("a", { href: "#/rooms" }, "Choose a room")));
    return undefined;
  }
  sessionStorage.setItem(LAST_ROOM, roomId);
  const first = got.data.room;
  const myRole = got.data.role;
  const format = (formatsRes.data ? formatsRes.data.formats : []).find((f) => f.id === first.format);
  const hostName = first.host.name;
  const paths = first.paths;
  const stops = [];
  let room = first;
  /** @type {Map<string, any>} */
  const presence = new Map();

  const me = createPresence(db, paths.presence, user.uid, (e) => toast(`Presence not saved: ${e.message}`));
  const crisis = h("div", { "aria-live": "assertive" });
  const showCrisis = (resources) => { if (resources && !crisis.firstChild) crisis.append(crisisPanel(resources)); };
  const statusBadge = h("span", { class: "badge", "data-testid": "room-status" }, room.status);
  const conn = h("span", { class: "conn", "data-testid": "connection", role: "status" }, "connecting…");
  const phase = h("dd", { "data-testid": "phase" }, "—");
  const countdown = h("dd", { "data-testid": "phase-left" }, "—");
  const people = h("ul", { class: "plain people", "aria-label": "Participants", "data-testid": "participants" });
  const notice = h("div", { role: "status", "aria-live": "polite", "data-testid": "room-notice" });
  const happenings = h("ul", { class: "plain small muted happenings", "aria-label": "What happened", "data-testid": "room-events" });
  const transcript = h("div", { class: "transcript", role: "log", "aria-label": "Room transcript", "aria-live": "polite", tabindex: "0", "data-testid": "room-transcript" });
  const input = h("textarea", { id: "room-say", name: "line", maxlength: 4000, required: true, rows: 2 });
  const send = h("button", { type: "submit" }, "Send");
  const muteBtn = h("button", { type: "button", class: "secondary", "aria-pressed": "false" }, "Mute");
  const cameraBtn = h("button", { type: "button", class: "secondary", "aria-pressed": "false" }, "Camera");
  const leaveBtn = h("button", { type: "button", class: "secondary" }, "Leave room");
  const rejoinBtn = h("button", { type: "button", hidden: true }, "Rejoin");

  const composer = h("form", { class: "row", "aria-label": "Say something to the room" },
    h("label", { for: "room-say", class: "visually-hidden" }, "Your line"), input, send);
  composer.addEventListener("submit", async (event) => {
    event.preventDefault();
    const content = input.value.trim();
    if (!content) return;
    send.disabled = true;
    me.idle();
    const { data, error, response } = await api.POST("/api/v1/rooms/{roomId}/lines", {
      params: { path: { roomId } }, body: { content, clientLineId: crypto.randomUUID() },
    });
    send.disabled = room.status !== "active";
    if (error || !data) { toast(errorText(error, response)); return; }
    showCrisis(data.referral);
    input.value = "";
    input.focus();
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); composer.requestSubmit(); }
  });
  input.addEventListener("input", () => { if (input.value) me.typed(); else me.idle(); });

  for (const [button, flag] of /** @type {const} */ ([[muteBtn, "muted"], [cameraBtn, "camera"]])) {
    button.addEventListener("click", async () => {
      await me.toggle(flag);
      button.setAttribute("aria-pressed", String(me.state[flag]));
    });
  }
  leaveBtn.addEventListener("click", async () => {
    if (room.status === "active" && !(await confirmDialog({
      title: "Leave this room?", text: "You give up your seat; the others carry on without you.", confirmLabel: "Leave room",
    }))) return;
    await me.stop({ remove: true });
    if (room.status !== "ended") {
      const { error, response } = await api.POST("/api/v1/rooms/{roomId}/leave", { params: { path: { roomId } }, body: { final: true } });
      if (error && response && response.status !== 404) { toast(errorText(error, response)); return; }
    }
    sessionStorage.removeItem(LAST_ROOM);
    navigate("#/rooms");
  });
  rejoinBtn.addEventListener("click", async () => {
    const { error, response } = await api.POST("/api/v1/rooms/{roomId}/rejoin", { params: { path: { roomId } }, body: {} });
    if (error) toast(errorText(error, response));
  });

  fill(main,
    crisis,
    h("h1", {}, format ? format.name : "Room", " ", statusBadge),
    h("p", { class: "muted small" }, `${hostName}, the host, is an AI. You are guest ${myRole}. `, conn),
    h("section", { class: "card", "aria-label": "Show" },
      h("dl", { class: "stats" },
        h("div", {}, h("dt", {}, "Phase"), phase),
        h("div", {}, h("dt", {}, "Phase ends in"), countdown)),
      notice,
      h("h2", { id: "people-title" }, "Participants"), people,
      h("div", { class: "row", role: "group", "aria-label": "My presence" }, muteBtn, cameraBtn, leaveBtn, rejoinBtn)),
    h("section", { class: "card", "aria-labelledby": "room-conv-title" },
      h("h2", { id: "room-conv-title" }, "Transcript"), transcript, composer),
    h("section", { class: "card", "aria-labelledby": "room-events-title" },
      h("h2", { id: "room-events-title" }, "What happened"), happenings));

  // The rules stop a member's listeners once they have left the room (they read nothing more).
  function listenerStopped(error) {
    conn.className = "conn offline";
    conn.textContent = `Listener stopped: ${error.code || error.message}`;
  }

  function speakerName(speaker) {
    if (speaker === myRole) return "You";
    if (speaker === "AGENT") return `${hostName} (host)`;
    if (speaker === "SYSTEM") return "Room";
    return `Guest ${speaker}`;
  }

  function renderPeople() {
    const now = Date.now();
    const rows = [h("li", { "data-role": "AGENT" }, h("strong", {}, `${hostName}`), " · host (AI)")];
    for (const p of room.participants) {
      const mine = p.uid === user.uid;
      const flags = presence.get(p.uid);
      const live = flags && isCurrent(flags, now) ? flags : {};
      rows.push(h("li", { "data-role": p.role, "data-state": p.state },
        h("strong", {}, mine ? `You (guest ${p.role})` : `Guest ${p.role}`),
        p.state === "present" ? "" : ` · ${p.state}`,
        live.muted ? h("span", { class: "badge", "data-flag": "muted" }, "muted") : null,
        live.camera ? h("span", { class: "badge ok", "data-flag": "camera" }, "camera on") : null,
        live.typing && !mine ? h("span", { class: "muted small", "data-flag": "typing" }, " typing…") : null));
    }
    people.replaceChildren(...rows);
  }

  function renderRoomState() {
    statusBadge.textContent = room.status;
    const phaseConfig = format && room.phaseIndex >= 0 ? format.phases[room.phaseIndex] : null;
    phase.textContent = room.status === "waiting" ? "Waiting for guests" : phaseConfig ? phaseConfig.title : room.phase || "—";
    const mine = room.participants.find((p) => p.uid === user.uid);
    rejoinBtn.hidden = !(mine && mine.state === "dropped" && room.status !== "ended");
    const canTalk = room.status === "active" && !!mine && mine.state === "present";
    input.disabled = send.disabled = !canTalk;
    const free = room.seats - room.participants.filter((p) => p.state !== "left").length;
    notice.replaceChildren(
      room.status === "waiting" ? h("p", {}, `Waiting for ${free} more ${free === 1 ? "guest" : "guests"}…`) : "",
      room.showPaused ? h("p", { class: "warning" }, "The host has paused the show.") : "",
      room.status === "ended" ? h("p", {}, `The show has ended (${(room.endReason || "ended").replaceAll("_", " ")}). `,
        h("a", { href: "#/rooms" }, "Back to rooms")) : "");
    renderPeople();
    tick();
  }

  function tick() {
    const ends = millis(room.phaseEndsAt);
    countdown.textContent = room.status === "active" && ends ? formatClock((ends - Date.now()) / 1000) : "—";
    renderPeople();  // presence documents expire by the clock
  }

  stops.push(onSnapshot(doc(db, paths.room), { includeMetadataChanges: true }, (snap) => {
    const meta = snap.metadata;
    conn.className = `conn ${meta.fromCache ? "offline" : meta.hasPendingWrites ? "pending" : "online"}`;
    conn.textContent = meta.fromCache ? "Offline: showing saved data, reconnecting…" : "Live";
    if (!snap.exists()) return;
    room = /** @type {any} */ ({ ...snap.data(), id: snap.id });
    renderRoomState();
  }, listenerStopped));

  const lineRows = new Map();
  stops.push(onSnapshot(query(collection(db, paths.lines), orderBy("createdAt")), (snap) => {
    for (const change of snap.docChanges()) {
      const line = change.doc.data();
      if (change.type === "removed") { lineRows.get(change.doc.id)?.remove(); lineRows.delete(change.doc.id); continue; }
      let row = lineRows.get(change.doc.id);
      if (!row) {
        row = h("div", { "data-line-id": change.doc.id }, h("span", { class: "who" }), h("span", { class: "text" }));
        lineRows.set(change.doc.id, row);
        transcript.append(row);
      }
      const kind = line.speaker === "AGENT" ? "ai" : line.speaker === myRole ? "user" : line.speaker === "SYSTEM" ? "ai system" : "other";
      row.className = `msg ${kind} ${line.status === "streaming" ? "streaming" : ""}`;
      row.dataset.speaker = line.speaker;
      row.dataset.status = line.status;
      if (line.replyTo) row.dataset.replyTo = line.replyTo;
      row.querySelector(".who").textContent = speakerName(line.speaker);
      row.querySelector(".text").textContent = line.content;
    }
    transcript.scrollTop = transcript.scrollHeight;
  }, listenerStopped));

  stops.push(onSnapshot(query(collection(db, paths.events), orderBy("at")), (snap) => {
    for (const change of snap.docChanges()) {
      if (change.type !== "added") continue;
      const event = change.doc.data();
      const text = event.type === "phase_changed"
        ? `Phase: ${(format && format.phases[Number(event.data.index)]?.title) || event.data.to}.`
        : EVENT_TEXT[event.type] ? EVENT_TEXT[event.type](event.data || {}) : null;
      if (text) happenings.prepend(h("li", {}, text));
    }
  }, listenerStopped));

  stops.push(onSnapshot(collection(db, paths.presence), (snap) => {
    presence.clear();
    snap.forEach((d) => presence.set(d.id, d.data()));
    renderPeople();
  }, listenerStopped));

  stops.push(onSnapshot(doc(db, paths.privatePrefix + user.uid), (snap) => {
    if (snap.exists()) showCrisis(snap.get("crisisResources"));
  }, listenerStopped));

  renderRoomState();
  const clock = setInterval(tick, 1000);
  return () => {
    stops.forEach((stop) => stop());
    clearInterval(clock);
    me.stop();
  };
}
