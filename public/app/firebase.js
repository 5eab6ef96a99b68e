// The Firebase app, configured from Hosting's /__/firebase/init.json (the project it is deployed to;
// the Hosting emulator serves the emulator project's). The Auth and Firestore emulators are used only
// when the page itself is served from this machine, so a deployed copy can never talk to them.
import { initializeApp } from "https://www.gstatic.com/firebasejs/12.6.0/firebase-app.js";
import { getAuth, connectAuthEmulator } from "https://www.gstatic.com/firebasejs/12.6.0/firebase-auth.js";
import { getFirestore, connectFirestoreEmulator } from "https://www.gstatic.com/firebasejs/12.6.0/firebase-firestore.js";

// What the pages use, re-exported so they import one module.
export { onAuthStateChanged, signOut, signInWithEmailAndPassword, createUserWithEmailAndPassword }
  from "https://www.gstatic.com/firebasejs/12.6.0/firebase-auth.js";
export { doc, collection, query, orderBy, limit, onSnapshot, getDocs, setDoc, deleteDoc, serverTimestamp, Timestamp }
  from "https://www.gstatic.com/firebasejs/12.6.0/firebase-firestore.js";

export const LOCAL_HOSTS = ["127.0.0.1", "localhost"];
// The emulator ports of firebase.json.
const AUTH_EMULATOR = "http://127.0.0.1:9099";
const FIRESTORE_EMULATOR = { host: "127.0.0.1", port: 8080 };

export async function loadConfig(fetchImpl = fetch) {
  const response = await fetchImpl("/__/firebase/init.json");
  if (!response.ok) throw new Error(`/__/firebase/init.json answered ${response.status}`);
  return response.json();
}

export async function connect() {
  const config = await loadConfig();
  const app = initializeApp(config);
  const auth = getAuth(app);
  const db = getFirestore(app);
  const local = LOCAL_HOSTS.includes(location.hostname);
  if (local) {
    connectAuthEmulator(auth, AUTH_EMULATOR, { disableWarnings: true });
    connectFirestoreEmulator(db, FIRESTORE_EMULATOR.host, FIRESTORE_EMULATOR.port);
  }
  return { app, auth, db, local, projectId: config.projectId };
}
