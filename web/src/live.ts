// The live view's feed of changes. Until the server has a change feed, it re-reads every user
// over the StreamUsers server stream (gRPC-Web) every few seconds and reports what changed.
import type { User } from "./gen/user_pb";
import { isCancel, type UserClient } from "./api";

export type LiveEvent = { kind: "created" | "changed"; user: User };

const POLL_MS = 2000;

export function startLive(
  client: UserClient,
  onEvent: (event: LiveEvent) => void,
  onState: (connected: boolean, detail: string) => void,
): () => void {
  const abort = new AbortController();
  const known = new Map<number, string>();
  let first = true;

  const run = async () => {
    while (!abort.signal.aborted) {
      try {
        for await (const user of client.streamUsers({ delaySeconds: 0 }, { signal: abort.signal })) {
          const fingerprint = `${user.name}|${user.email}|${user.age}|${user.hobbies.join(",")}|${user.status}`;
          const previous = known.get(user.id);
          known.set(user.id, fingerprint);
          if (!first && previous === undefined) {
            onEvent({ kind: "created", user });
          } else if (!first && previous !== fingerprint) {
            onEvent({ kind: "changed", user });
          }
        }
        first = false;
        onState(true, "live");
      } catch (error) {
        if (isCancel(error) || abort.signal.aborted) {
          return;
        }
        onState(false, "reconnecting");
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  };
  void run();
  return () => abort.abort();
}
