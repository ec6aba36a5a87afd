/**
 * The one way the page talks to the API: POST /graphql with the bearer token typed on the page. The
 * token lives in this module's variable only — no localStorage, no sessionStorage, no cookie — and is
 * gone when the tab closes or "Forget token" is pressed.
 */
let token: string | null = null;

export function setToken(value: string | null): void {
  token = value === null || value.trim() === "" ? null : value.trim();
}

export function hasToken(): boolean {
  return token !== null;
}

/** A GraphQL answer with errors (or no data): the code of its first error (FORBIDDEN first) and its message. */
export class QueryFailed extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

interface Answer<T> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

export async function query<T>(document: string, variables: Record<string, unknown> = {}): Promise<T> {
  const headers: Record<string, string> = { "content-type": "application/json", accept: "application/json" };
  if (token !== null) headers.authorization = `Bearer ${token}`;
  const res = await fetch("/graphql", {
    method: "POST",
    headers,
    body: JSON.stringify({ query: document, variables }),
    credentials: "omit",
    cache: "no-store",
  });
  let answer: Answer<T>;
  try {
    answer = (await res.json()) as Answer<T>;
  } catch {
    throw new QueryFailed(`HTTP_${res.status}`, `the API answered HTTP ${res.status} without a GraphQL body`);
  }
  const errors = answer.errors ?? [];
  if (errors.length > 0) {
    const first = errors.find((e) => e.extensions?.code === "FORBIDDEN") ?? errors[0];
    throw new QueryFailed(first.extensions?.code ?? `HTTP_${res.status}`, first.message);
  }
  if (answer.data === undefined || answer.data === null) {
    throw new QueryFailed(`HTTP_${res.status}`, `the API answered HTTP ${res.status} with no data`);
  }
  return answer.data;
}
