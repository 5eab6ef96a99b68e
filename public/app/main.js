// The app shell: Firebase from /__/firebase/init.json, email/password sign-in, hash routes, one module
// per page. A page module exports `render(ctx)`, which fills ctx.main and may return a cleanup function
// (its Firestore listeners and timers stop when the user leaves the page).
import { connect, onAuthStateChanged, signOut } from "./firebase.js";
import { createApi } from "./api.js";
import { h, toast } from "./ui.js";
import * as signin from "./pages/signin.js";

// Each page is one line here and one nav link (the knowledge base is a section of the admin page).
const PAGES = {
  lobby: () => import("./pages/lobby.js"),
  session: () => import("./pages/session.js"),
  history: () => import("./pages/history.js"),
  rooms: () => import("./pages/rooms.js"),
  account: () => import("./pages/account.js"),
  admin: () => import("./pages/admin.js"),
};
const ADMIN_PAGES = new Set(["admin"]);

const main = document.getElementById("main");
const nav = /** @type {HTMLElement} */ (document.querySelector("nav.main"));
const adminLink = /** @type {HTMLElement} */ (nav.querySelector("[data-admin]"));
const signOutButton = /** @type {HTMLButtonElement} */ (document.getElementById("signout"));
let cleanup = null;
let ctx = null;

function parseRoute() {
  const [page, ...rest] = location.hash.replace(/^#\/?/, "").split("/");
  return { page: page || "lobby", args: rest.filter(Boolean).map(decodeURIComponent) };
}

async function route() {
  if (typeof cleanup === "function") cleanup();
  cleanup = null;
  if (!ctx || !ctx.user) return;
  let { page, args } = parseRoute();
  if (!PAGES[page] || (ADMIN_PAGES.has(page) && !ctx.isAdmin)) page = "lobby";
  for (const link of /** @type {NodeListOf<HTMLAnchorElement>} */ (nav.querySelectorAll("a[data-page]"))) {
    if (link.dataset.page === page) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  main.replaceChildren(h("p", { class: "muted" }, "Loading…"));
  try {
    const module = await PAGES[page]();
    main.replaceChildren();
    cleanup = await module.render({ ...ctx, main, args });
  } catch (error) {
    console.error(error);
    main.replaceChildren(h("p", { class: "error", role: "alert" }, `This page failed to load: ${error.message}`));
  }
  const heading = main.querySelector("h1");
  document.title = `${heading ? heading.textContent : "Sessions"} · Sessions`;
  main.focus({ preventScroll: true });
}

async function start() {
  let firebase;
  try {
    firebase = await connect();
  } catch (error) {
    main.replaceChildren(h("p", { class: "error", role: "alert" }, `Cannot load the app's configuration: ${error.message}`));
    return;
  }
  const { auth, db } = firebase;
  const api = createApi(auth);
  signOutButton.addEventListener("click", () => signOut(auth));
  onAuthStateChanged(auth, async (user) => {
    if (typeof cleanup === "function") cleanup();
    cleanup = null;
    const who = document.getElementById("who");
    if (!user) {
      ctx = null;
      nav.hidden = true;
      signOutButton.hidden = true;
      who.textContent = "";
      main.replaceChildren();
      signin.render({ main, auth, local: firebase.local });
      document.title = "Sign in · Sessions";
      return;
    }
    const token = await user.getIdTokenResult();
    const isAdmin = token.claims.admin === true;
    ctx = { auth, db, api, user, isAdmin, local: firebase.local, navigate: (hash) => { location.hash = hash; } };
    nav.hidden = false;
    adminLink.hidden = !isAdmin;
    signOutButton.hidden = false;
    who.textContent = user.email + (isAdmin ? " (admin)" : "");
    await route();
  });
  window.addEventListener("hashchange", route);
  window.addEventListener("unhandledrejection", (event) => toast(`Something went wrong: ${event.reason?.message || event.reason}`));
}

start();
