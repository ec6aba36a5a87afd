import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { print } from "graphql";
import { ClientPageDocument, CompleteReviewDocument, type ClientPageQuery } from "./generated/graphql";

/** One GraphQL error as the API reports it: a stable code in extensions, never input echoed back. */
export interface ApiError {
  message: string;
  extensions?: { code?: string; [key: string]: unknown };
}

export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    readonly errors: ApiError[],
  ) {
    super(errors.map((e) => e.extensions?.code ?? e.message).join(", "));
  }
}

/** Sends one typed operation; the result and variables are typed from the document. */
export async function request<R, V>(
  url: string,
  token: string,
  document: TypedDocumentNode<R, V>,
  variables: V,
  init: { idempotencyKey?: string } = {},
): Promise<R> {
  const headers: Record<string, string> = { "content-type": "application/json", authorization: `Bearer ${token}` };
  if (init.idempotencyKey) headers["idempotency-key"] = init.idempotencyKey;
  const res = await fetch(url, {
    method: "POST",
    headers,
    body: JSON.stringify({ query: print(document), variables }),
  });
  const body = (await res.json()) as { data?: R; errors?: ApiError[] };
  if (body.errors?.length || !body.data) throw new ApiRequestError(res.status, body.errors ?? []);
  return body.data;
}

/** Walks every page of a branch's clients (the API caps a page at 500). */
export async function* clientsOfBranch(url: string, token: string, branch: string) {
  let after: string | null = null;
  for (;;) {
    const page: ClientPageQuery = await request(url, token, ClientPageDocument, {
      first: 200,
      after,
      filter: { branch },
    });
    yield* page.clients.nodes;
    if (!page.clients.pageInfo.hasNextPage) return;
    after = page.clients.pageInfo.endCursor ?? null;
  }
}

/** Completes a review; refusals come back as typed userErrors, not exceptions. */
export async function maintain(url: string, token: string, reviewId: string, version: number) {
  const { completeReview } = await request(url, token, CompleteReviewDocument, {
    input: { reviewId, outcome: "MAINTAIN", expectedVersion: version },
  });
  return completeReview.userErrors.length === 0 ? completeReview.review : completeReview.userErrors;
}
