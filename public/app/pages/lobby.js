// Lobby: start now or schedule, the pre-session checklist, credits (live), upcoming sessions with
// reschedule and cancel. HTTP: GET /avatars, /user/credits, /sessions/active, /sessions/upcoming;
// POST /sessions/start, /sessions/schedule, /sessions/{id}/start|reschedule|cancel.
// Listener: users/{uid} (credits).
import { doc, onSnapshot } from "../firebase.js";
import { errorText, idempotencyKey } from "../api.js";
import { fill, h, field, toast, formatDateTime, confirmDialog } from "../ui.js";
import { browserZone, localToOffsetIso, toLocalInput, zones } from "../time.js";

const CHECKLIST = [
  "I am somewhere private where I can talk freely.",
  "I understand I will talk with an AI companion, not a therapist or a doctor.",
  "If I am in danger I will call my local emergency number instead.",
];

/** @param {import("../types").PageContext} ctx */
export async function render({ main, api, db, user, navigate }) {
  const [avatarsRes, activeRes] = await Promise.all([
    api.GET("/api/v1/avatars"),
    api.GET("/api/v1/sessions/active"),
  ]);
  const avatars = avatarsRes.data ? avatarsRes.data.avatars : [];
  const live = activeRes.data ? activeRes.data.session : null;

  const credits = h("dd", { "data-testid": "credits" }, "…");
  // The balance once over HTTP (a new user has no users/{uid} document yet), then live.
  api.GET("/api/v1/user/credits").then(({ data }) => { if (data && credits.textContent === "…") credits.textContent = `${data.credits.remaining} min`; });
  const stopCredits = onSnapshot(doc(db, "users", user.uid), (snap) => {
    const c = snap.get("credits");
    if (c) credits.textContent = `${c.remaining} min`;
  });

  // The form: when, who, how long, checklist.
  const avatar = h("select", { name: "avatar", required: true },
    avatars.map((a) => h("option", { value: a.id }, `${a.name} — ${a.persona}`)));
  const voice = h("select", { name: "voice" },
    avatars.map((a) => h("option", { value: a.defaultVoiceId }, `${a.voiceStyle} (${a.name}'s voice)`)));
  const syncVoice = () => {
    const chosen = avatars.find((a) => a.id === avatar.value);
    if (chosen) voice.value = chosen.defaultVoiceId;
  };
  avatar.addEventListener("change", syncVoice);
  syncVoice();
  const durations = h("fieldset", {}, h("legend", {}, "Duration"),
    [15, 30, 45, 60].map((m) => h("span", { class: "check" },
      h("input", { type: "radio", name: "duration", id: `dur-${m}`, value: m, checked: m === 30 }),
      h("label", { for: `dur-${m}`, class: "inline" }, `${m} minutes`))));
  const nowRadio = h("input", { type: "radio", name: "when", id: "when-now", value: "now", checked: true });
  const laterRadio = h("input", { type: "radio", name: "when", id: "when-later", value: "later" });
  const zone = h("select", { name: "timezone" }, zones().map((z) => h("option", { value: z, selected: z === browserZone() }, z)));
  const at = h("input", { type: "datetime-local", name: "scheduledAt" });
  at.value = toLocalInput(new Date(Date.now() + 60 * 60 * 1000), zone.value);
  const laterBox = h("div", { hidden: true }, field("Date and time", at), field("Time zone", zone));
  const syncWhen = () => {
    laterBox.hidden = !laterRadio.checked;
    at.required = laterRadio.checked;
    submit.textContent = laterRadio.checked ? "Schedule session" : "Start session now";
  };
  const checks = h("fieldset", {}, h("legend", {}, "Before you start"),
    CHECKLIST.map((text, i) => h("div", { class: "check" },
      h("input", { type: "checkbox", id: `check-${i}`, required: true }),
      h("label", { for: `check-${i}`, class: "inline" }, text))));
  const submit = h("button", { type: "submit" }, "Start session now");
  const formStatus = h("p", { class: "error", role: "alert" });
  const form = h("form", { class: "card", "aria-labelledby": "new-title" },
    h("h2", { id: "new-title" }, "New session"),
    h("fieldset", {}, h("legend", {}, "When"),
      h("span", { class: "check" }, nowRadio, h("label", { for: "when-now", class: "inline" }, "Now")),
      h("span", { class: "check" }, laterRadio, h("label", { for: "when-later", class: "inline" }, "Later"))),
    laterBox,
    field("Companion", avatar), field("Voice style", voice), durations, checks, formStatus, submit);
  nowRadio.addEventListener("change", syncWhen);
  laterRadio.addEventListener("change", syncWhen);

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    formStatus.textContent = "";
    const picked = /** @type {HTMLInputElement} */ (form.querySelector("input[name=duration]:checked"));
    const duration = /** @type {15 | 30 | 45 | 60} */ (Number(picked.value));
    submit.disabled = true;
    try {
      if (laterRadio.checked) {
        const { data, error, response } = await api.POST("/api/v1/sessions/schedule", {
          body: { avatar: avatar.value, voiceId: voice.value, duration, scheduledAt: localToOffsetIso(at.value, zone.value), timezone: zone.value, reminder: true },
          params: { header: { "Idempotency-Key": idempotencyKey() } },
        });
        if (error || !data) { formStatus.textContent = errorText(error, response); return; }
        toast(`Scheduled for ${formatDateTime(data.session.scheduledAt, zone.value)}`);
        await loadUpcoming();
      } else {
        const { data, error, response } = await api.POST("/api/v1/sessions/start", {
          body: { avatar: avatar.value, voiceId: voice.value, duration, mode: "chat", sessionType: "instant" },
          params: { header: { "Idempotency-Key": idempotencyKey() } },
        });
        if (error || !data) { formStatus.textContent = errorText(error, response); return; }
        navigate(`#/session/${data.session.id}`);
      }
    } finally {
      submit.disabled = false;
    }
  });

  // Upcoming sessions.
  const upcoming = h("ul", { class: "plain", "aria-live": "polite", "data-testid": "upcoming" });
  const actions = {
    start: (id) => api.POST("/api/v1/sessions/{sessionId}/start", { params: { path: { sessionId: id } }, body: {} }),
    cancel: (id) => api.POST("/api/v1/sessions/{sessionId}/cancel", { params: { path: { sessionId: id } }, body: {} }),
    reschedule: (id, scheduledAt) => api.POST("/api/v1/sessions/{sessionId}/reschedule", { params: { path: { sessionId: id } }, body: { scheduledAt } }),
  };
  async function act(id, action, scheduledAt = undefined) {
    const { error, response } = await actions[action](id, scheduledAt);
    if (error) toast(errorText(error, response));
    return !error;
  }
  async function loadUpcoming() {
    const { data, error, response } = await api.GET("/api/v1/sessions/upcoming");
    if (error || !data) { upcoming.replaceChildren(h("li", { class: "error" }, errorText(error, response))); return; }
    if (!data.sessions.length) { upcoming.replaceChildren(h("li", { class: "muted" }, "Nothing scheduled.")); return; }
    upcoming.replaceChildren(...data.sessions.map((s) => {
      const tz = s.timezone || browserZone();
      const when = h("input", { type: "datetime-local", value: toLocalInput(new Date(s.scheduledAt), tz) });
      const editor = h("form", { class: "row", hidden: true },
        field(`New time (${tz})`, when),
        h("button", { type: "submit" }, "Save new time"));
      editor.addEventListener("submit", async (e) => {
        e.preventDefault();
        if (await act(s.id, "reschedule", localToOffsetIso(when.value, tz))) { toast("Rescheduled"); loadUpcoming(); }
      });
      return h("li", { "data-session-id": s.id },
        h("strong", {}, formatDateTime(s.scheduledAt, tz)), ` · ${s.avatar} · ${s.plannedDuration} min `,
        h("span", { class: "muted small" }, `(${tz})`),
        h("div", { class: "row" },
          h("button", { type: "button", onclick: async () => { if (await act(s.id, "start")) navigate(`#/session/${s.id}`); } }, "Start now"),
          h("button", { type: "button", class: "secondary", onclick: () => { editor.hidden = !editor.hidden; if (!editor.hidden) when.focus(); } }, "Reschedule"),
          h("button", { type: "button", class: "secondary", onclick: async () => {
            const ok = await confirmDialog({ title: "Cancel this session?", text: `${formatDateTime(s.scheduledAt, tz)} with ${s.avatar}.`, confirmLabel: "Cancel session" });
            if (ok && await act(s.id, "cancel")) { toast("Cancelled"); loadUpcoming(); }
          } }, "Cancel")),
        editor);
    }));
  }

  fill(main,
    h("h1", {}, "Lobby"),
    live ? h("div", { class: "warning", role: "status" }, `You have a ${live.status} session. `,
      h("a", { href: `#/session/${live.id}` }, "Return to it")) : null,
    h("section", { class: "card", "aria-labelledby": "credits-title" },
      h("h2", { id: "credits-title" }, "Credits"),
      h("dl", { class: "stats" }, h("div", {}, h("dt", {}, "Remaining"), credits)),
      h("p", { class: "muted small" }, "One credit is one started minute of an active session.")),
    h("div", { class: "grid two" }, form,
      h("section", { class: "card", "aria-labelledby": "upcoming-title" }, h("h2", { id: "upcoming-title" }, "Upcoming sessions"), upcoming)),
  );
  syncWhen();
  await loadUpcoming();
  return () => stopCredits();
}
