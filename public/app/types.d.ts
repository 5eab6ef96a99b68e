// Types the page modules declare in JSDoc, so `make test` type-checks their API calls against the
// generated schema (tsconfig.json at the repo root; plain JS in the browser, no build step).
import type { Client } from "openapi-fetch";
import type { Auth, User } from "firebase/auth";
import type { Firestore } from "firebase/firestore";
import type { paths, components } from "./api/schema";

export type Api = Client<paths>;
export type Schemas = components["schemas"];

export interface PageContext {
  main: HTMLElement;
  api: Api;
  db: Firestore;
  auth: Auth;
  user: User;
  isAdmin: boolean;
  local: boolean;
  args: string[];
  navigate: (hash: string) => void;
}

declare global {
  interface Window {
    Chart: any;
  }
}
