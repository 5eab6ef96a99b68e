// My presence in a room: rooms/{id}/presence/{uid}, the only document a client ever writes. The security
// rules accept exactly {typing?, muted?, camera?, speaking?: bool, updatedAt: the server's time,
// expireAt: later than now and at most 60 s ahead}; a TTL policy deletes expired documents and readers
// ignore them, so a closed tab stops showing "typing" or "muted" within a minute.
import { doc, setDoc, deleteDoc, serverTimestamp, Timestamp } from "./firebase.js";

// 30 s leaves room for a client clock up to 30 s off in either direction (the rules check the server's).
const EXPIRES_AFTER_MS = 30_000;
const REFRESH_MS = 20_000;
const TYPING_IDLE_MS = 4_000;

/** Whether a presence document still counts (its `expireAt` has not passed on this clock). */
export function isCurrent(data, now = Date.now()) {
  const at = data && data.expireAt;
  if (!at) return false;
  const ms = typeof at.toMillis === "function" ? at.toMillis() : Date.parse(at);
  return ms > now;
}

/**
 * Writes my flags on every change and refreshes them while any is set (so they do not expire while
 * true); `typing` turns itself off after a few idle seconds.
 * @param {import("./types").PageContext["db"]} db
 * @param {string} presencePath the room's `paths.presence` ("rooms/{id}/presence")
 * @param {string} uid
 * @param {(error: Error) => void} onError
 */
export function createPresence(db, presencePath, uid, onError) {
  const ref = doc(db, presencePath, uid);
  const state = { typing: false, muted: false, camera: false };
  let refresher;
  let typingTimer;
  let written = false;
  let stopped = false;

  function write() {
    if (stopped) return Promise.resolve();
    written = true;
    clearTimeout(refresher);
    if (state.typing || state.muted || state.camera) refresher = setTimeout(write, REFRESH_MS);
    return setDoc(ref, {
      ...state,
      updatedAt: serverTimestamp(),
      expireAt: Timestamp.fromMillis(Date.now() + EXPIRES_AFTER_MS),
    }).catch(onError);
  }

  return {
    state,
    /** @param {"muted" | "camera"} flag */
    toggle(flag) {
      state[flag] = !state[flag];
      return write();
    },
    /** Called on each keystroke: one write when typing starts, one when it stops. */
    typed() {
      clearTimeout(typingTimer);
      typingTimer = setTimeout(() => this.idle(), TYPING_IDLE_MS);
      if (!state.typing) { state.typing = true; write(); }
    },
    idle() {
      clearTimeout(typingTimer);
      if (state.typing) { state.typing = false; write(); }
    },
    /** Leaving the page stops the refresh; leaving the room also deletes the document. */
    stop({ remove = false } = {}) {
      clearTimeout(refresher);
      clearTimeout(typingTimer);
      stopped = true;
      if (remove && written) return deleteDoc(ref).catch(onError);
      return Promise.resolve();
    },
  };
}
