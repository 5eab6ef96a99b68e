// The typed API client: openapi-fetch over the types openapi-typescript generated from the served spec
// (api/schema.d.ts; `make test` fails when it no longer matches the spec). Every call carries the
// signed-in user's ID token.
import createClient from "openapi-fetch";

/** @typedef {import("./api/schema").paths} paths */
/** @typedef {import("./api/schema").components["schemas"]} schemas */

/** @param {{ currentUser: { getIdToken(): Promise<string> } | null }} auth */
export function createApi(auth) {
  /** @type {import("openapi-fetch").Client<paths>} */
  const api = createClient({ baseUrl: location.origin });
  api.use({
    async onRequest({ request }) {
      const user = auth.currentUser;
      if (user) request.headers.set("Authorization", `Bearer ${await user.getIdToken()}`);
      return request;
    },
  });
  return api;
}

/** The error envelope's message, or a plain one for a network failure. */
export function errorText(error, response) {
  if (error && error.error && error.error.message) return error.error.message;
  if (response) return `The server answered ${response.status}.`;
  return "The server could not be reached.";
}

/** Saves a Blob as a file (exports, reports). */
export function download(blob, filename) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A fresh idempotency key for a mutating call that a double click could send twice. */
export const idempotencyKey = () => crypto.randomUUID();
