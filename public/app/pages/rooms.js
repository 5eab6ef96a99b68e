// Rooms: `#/rooms` picks a format and joins by match; `#/rooms/{id}` is the room itself (room_view.js).
// HTTP: GET /rooms/formats, POST /rooms/match {format} → {room, role}. Matching again while in a live
// room answers that room, so "Join" also brings a user back to the room they are in.
import { errorText } from "../api.js";
import { fill, h } from "../ui.js";
import { renderRoom, LAST_ROOM } from "../room_view.js";

/** @param {import("../types").PageContext} ctx */
export async function render(ctx) {
  if (ctx.args[0]) return renderRoom({ ...ctx, roomId: ctx.args[0] });
  const { main, api, navigate } = ctx;
  const { data, error, response } = await api.GET("/api/v1/rooms/formats");
  fill(main, h("h1", {}, "Rooms"),
    h("p", {}, "A room is a live show with other people and an AI host. Pick a format: you are seated in the " +
      "oldest room that is still waiting for people, or a new one opens for you."));
  if (error || !data) { main.append(h("p", { class: "error", role: "alert" }, errorText(error, response))); return undefined; }

  const last = sessionStorage.getItem(LAST_ROOM);
  if (last) main.append(h("p", {}, h("a", { href: `#/rooms/${encodeURIComponent(last)}` }, "Back to your last room")));
  const status = h("p", { class: "error", role: "alert" });
  const list = h("ul", { class: "plain", "data-testid": "formats" }, data.formats.map((format) => {
    const join = h("button", { type: "button", "aria-describedby": `fmt-${format.id}` }, `Join ${format.name}`);
    join.addEventListener("click", async () => {
      join.disabled = true;
      status.textContent = "";
      const answer = await api.POST("/api/v1/rooms/match", { body: { format: format.id } });
      join.disabled = false;
      if (answer.error || !answer.data) { status.textContent = errorText(answer.error, answer.response); return; }
      navigate(`#/rooms/${encodeURIComponent(answer.data.room.id)}`);
    });
    return h("li", { "data-format": format.id },
      h("h2", {}, format.name, format.id === data.defaultFormat ? h("span", { class: "badge" }, "default") : null),
      h("p", { id: `fmt-${format.id}` }, format.description || "",
        ` ${format.seats} people and ${format.host.name}, the host. Phases: `,
        format.phases.map((p) => p.title).join(" → "), "."),
      join);
  }));
  fill(main, h("section", { class: "card", "aria-label": "Formats" }, list, status));
  return undefined;
}
