// What an integration does with a TypeScript client made from Comptoir's OpenAPI schema
// (openapi-typescript for the types, openapi-fetch to call): open a request as its
// requester, read it with its conversation, the agent answers and requalifies it, the
// requester walks their list with the cursor. tsc checks this file against the generated
// types first: a model missing from the schema (a ticket without `messages`, a message
// kind without its values) fails the build, before any call.
//
// Run by tests/api/test_generated_clients.py with COMPTOIR_URL, COMPTOIR_REQUESTER_TOKEN,
// COMPTOIR_AGENT_TOKEN and COMPTOIR_PRODUCT; prints one JSON line of what it saw.

import createClient from "openapi-fetch";
import type { components, paths } from "./generated/schema.js";

type TicketDetail = components["schemas"]["TicketDetail"];
type MessageKind = components["schemas"]["MessageKind"];
type EventKind = components["schemas"]["EventKind"];
type ApiError = components["schemas"]["Error"];
type TicketPage = components["schemas"]["TicketPage"];

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

function check(condition: boolean, what: string): void {
  if (!condition) throw new Error(`Failed: ${what}`);
}

const baseUrl = env("COMPTOIR_URL");
const as = (token: string) =>
  createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${token}`, "Accept-Language": "en" } });
const requester = as(env("COMPTOIR_REQUESTER_TOKEN"));
const agent = as(env("COMPTOIR_AGENT_TOKEN"));
const product = Number(env("COMPTOIR_PRODUCT"));

async function main(): Promise<void> {
  const created = await requester.POST("/api/v1/tickets", {
    body: { subject: "Les images ne s'affichent plus", body: "Depuis la mise à jour.", product },
  });
  check(created.response.status === 201 && created.data !== undefined, `create: ${created.response.status}`);
  const number = created.data!.number;

  const refused = await requester.POST("/api/v1/tickets", {
    body: { subject: "Tout de suite", body: "Vite.", severity: "blocking" },
  });
  const refusal: ApiError | undefined = refused.error;
  check(refused.response.status === 403 && refusal?.code === "team_only", "a requester sets no severity");
  check(refusal?.fields?.severity !== undefined, "the refused field is named");

  const answered = await agent.POST("/api/v1/tickets/{number}/replies", {
    params: { path: { number } },
    body: { body: "Videz le cache, puis rechargez la page." },
  });
  check(answered.response.status === 201, `reply: ${answered.response.status}`);
  const answerKind: MessageKind | undefined = answered.data?.kind;
  check(answerKind === "public", "a reply is public");

  const read = await requester.GET("/api/v1/tickets/{number}", { params: { path: { number } } });
  const detail: TicketDetail | undefined = read.data;
  check(detail !== undefined, `read: ${read.response.status}`);
  const kinds: MessageKind[] = detail!.messages.map((m) => m.kind);
  const events: EventKind[] = detail!.events.map((e) => e.kind);
  check(detail!.messages.length === 2, "the conversation has the request and the answer");

  const requalified = await agent.POST("/api/v1/tickets/{number}/requalify", {
    params: { path: { number } },
    body: { reason: "Panne confirmée", type: "incident", priority: "high" },
  });
  check(requalified.data?.type === "incident" && requalified.data?.priority === "high", "requalified");

  const seen: number[] = [];
  let cursor: string | null | undefined = undefined;
  let pages = 0;
  do {
    const page: { data?: TicketPage; response: Response } = await requester.GET("/api/v1/tickets", {
      params: { query: { limit: 1, cursor } },
    });
    check(page.data !== undefined, `list: ${page.response.status}`);
    seen.push(...page.data!.items.map((t) => t.number));
    cursor = page.data!.next_cursor;
    pages += 1;
  } while (cursor && pages < 20);

  const label = await requester.GET("/api/v1/tickets", { params: { query: { priority: "Urgente" } } });
  check(label.response.status === 422 && label.error?.code === "invalid_input", "a label is not a code");

  console.log(JSON.stringify({ number, kinds, events, seen, pages, refused: refusal?.code }));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
