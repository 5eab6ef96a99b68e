// Small DOM helpers shared by the pages: build elements without innerHTML (no injection from data).

/** h("button", {class: "x", onclick: f}, "text", child) */
export function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") node.addEventListener(key.slice(2), value);
    else if (key === "class") node.className = value;
    else if (key === "dataset") Object.assign(node.dataset, value);
    else if (value === true) node.setAttribute(key, "");
    else node.setAttribute(key, String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

let fieldCounter = 0;
/** A labelled control: returns [label, control]. */
export function field(labelText, control) {
  if (!control.id) control.id = `f${++fieldCounter}`;
  return [h("label", { for: control.id }, labelText), control];
}

/** @type {ReturnType<typeof setTimeout> | undefined} */
let toastTimer;
export function toast(text) {
  const box = document.getElementById("toast");
  box.textContent = text;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { box.textContent = ""; }, 6000);
}

export function formatDateTime(value, timeZone) {
  if (!value) return "—";
  const date = value instanceof Date ? value : typeof value.toDate === "function" ? value.toDate() : new Date(value);
  return new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short", timeZone }).format(date);
}

export function formatClock(totalSeconds) {
  const s = Math.max(0, Math.floor(totalSeconds));
  const mm = String(Math.floor(s / 60)).padStart(2, "0");
  const ss = String(s % 60).padStart(2, "0");
  return `${mm}:${ss}`;
}

export function levelBadge(level) {
  const high = ["ELEVATED_CONCERN", "HIGH_RISK", "SAFETY_MODE"].includes(level);
  return h("span", { class: `badge ${high ? "high" : ""}` }, (level || "NORMAL").replaceAll("_", " ").toLowerCase());
}

/** The crisis resources of a session's locale: shown persistently while a session carries them. */
export function crisisPanel(resources) {
  const lines = (resources.helplines || []).map((line) => h("li", {},
    h("strong", {}, line.name), " ",
    line.phone ? h("a", { href: `tel:${line.phone.replace(/\s+/g, "")}` }, `call ${line.phone}`) : null,
    line.text ? ` · text ${line.text}` : null,
    line.url ? [" · ", h("a", { href: line.url, target: "_blank", rel: "noopener" }, "website")] : null,
    line.hours ? h("span", { class: "muted" }, ` (${line.hours})`) : null));
  return h("section", { class: "crisis", role: "region", "aria-labelledby": "crisis-title", "data-testid": "crisis-resources" },
    h("h2", { id: "crisis-title" }, "You don't have to go through this alone"),
    h("p", {}, "If you are in danger right now, call ",
      h("a", { href: `tel:${resources.emergencyNumber}` }, resources.emergencyNumber), ". People are ready to listen:"),
    h("ul", {}, lines));
}

/**
 * A confirmation dialog (native <dialog>): resolves true when confirmed.
 * @param {{ title: string, text: string, confirmLabel: string, typed?: string }} options
 * @returns {Promise<boolean>}
 */
export function confirmDialog({ title, text, confirmLabel, typed = undefined }) {
  return new Promise((resolve) => {
    const input = typed ? h("input", { type: "text", autocomplete: "off" }) : null;
    const ok = h("button", { class: "danger", type: "submit" }, confirmLabel);
    const cancel = h("button", { class: "secondary", type: "button" }, "Cancel");
    const dialog = h("dialog", { "aria-labelledby": "dlg-title" },
      h("form", { method: "dialog" },
        h("h2", { id: "dlg-title" }, title), h("p", {}, text),
        input ? field(`Type ${typed} to confirm`, input) : null,
        h("div", { class: "row" }, ok, cancel)));
    if (input) input.addEventListener("input", () => input.setCustomValidity(""));
    const close = (value) => { dialog.close(); dialog.remove(); resolve(value); };
    cancel.addEventListener("click", () => close(false));
    dialog.addEventListener("cancel", () => close(false));
    dialog.querySelector("form").addEventListener("submit", (event) => {
      event.preventDefault();
      if (input && input.value.trim() !== typed) { input.setCustomValidity(`Type ${typed}`); input.reportValidity(); return; }
      close(true);
    });
    document.body.append(dialog);
    dialog.showModal();
    (input || ok).focus();
  });
}

/** Appends children to a page, skipping the absent ones (null, undefined, false). */
export function fill(main, ...children) {
  main.append(...children.flat().filter((child) => child !== null && child !== undefined && child !== false));
}
