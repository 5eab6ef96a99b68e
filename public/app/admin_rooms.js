// The admin console's active rooms: format, phase, guests present, lines so far, with an end button.
// HTTP: GET /admin/rooms?status=active&limit, POST /admin/rooms/{id}/end. (Counts only: what was
// said stays in the room's transcript and the activity log export.)
import { errorText } from "./api.js";
import { h, toast, formatDateTime, confirmDialog } from "./ui.js";

/** @param {import("./types").Api} api */
export function activeRooms(api) {
  const box = h("div", { "data-testid": "active-rooms" });
  async function load() {
    const { data, error, response } = await api.GET("/api/v1/admin/rooms", { params: { query: { status: "active", limit: 50 } } });
    if (error || !data) { box.replaceChildren(h("p", { class: "error" }, errorText(error, response))); return; }
    if (!data.rooms.length) { box.replaceChildren(h("p", { class: "muted" }, "No active rooms.")); return; }
    box.replaceChildren(h("div", { class: "table-wrap" }, h("table", {},
      h("caption", { class: "visually-hidden" }, "Active rooms"),
      h("thead", {}, h("tr", {}, ["Started", "Room", "Format", "Phase", "Guests present", "Lines", "Actions"].map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", {}, data.rooms.map((r) => h("tr", { "data-room-id": r.id },
        h("td", {}, formatDateTime(r.startedAt)), h("td", {}, r.id), h("td", {}, r.format),
        h("td", {}, r.phase || "—", r.showPaused ? h("span", { class: "badge high" }, "held") : null),
        h("td", {}, `${r.participants.filter((p) => p.state === "present").length} / ${r.seats}`),
        h("td", {}, String(r.lineCount)),
        h("td", {}, h("button", { type: "button", class: "secondary", "aria-label": `End room ${r.id}`, onclick: async () => {
          if (!(await confirmDialog({ title: "End this room?", text: `Room ${r.id} ends for every guest.`, confirmLabel: "End room" }))) return;
          const ended = await api.POST("/api/v1/admin/rooms/{roomId}/end", { params: { path: { roomId: r.id } }, body: {} });
          toast(ended.error ? errorText(ended.error, ended.response) : "Room ended");
          load();
        } }, "End"))))))));
  }
  return { box, load: () => load().catch((e) => box.replaceChildren(h("p", { class: "error" }, e.message))) };
}
