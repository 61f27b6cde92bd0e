// The live view's feed: WatchUsers over gRPC-Web (server streaming). It starts "from now" (no
// replay of the history: the users table shows the present) and follows new changes; after a
// dropped connection it resumes from the last event it saw, so nothing is missed or shown twice.
// Should that event no longer be kept (OUT_OF_RANGE), it starts from now again.
import { Code, ConnectError } from "@connectrpc/connect";
import { UserEventKind, type UserEvent } from "./gen/user_pb";
import { isCancel, type UserClient } from "./api";

const RETRY_MS = 2000;

export function eventKindName(kind: UserEventKind): string {
  return (UserEventKind[kind] ?? String(kind)).toLowerCase();
}

export function startLive(
  client: UserClient,
  onEvent: (event: UserEvent) => void,
  onState: (connected: boolean, detail: string) => void,
): () => void {
  const abort = new AbortController();
  let lastEventId = 0n;

  const run = async () => {
    while (!abort.signal.aborted) {
      try {
        onState(true, "live");
        const request = lastEventId === 0n ? { fromNow: true } : { sinceEventId: lastEventId };
        for await (const event of client.watchUsers(request, { signal: abort.signal })) {
          lastEventId = event.eventId;
          onEvent(event);
        }
      } catch (error) {
        if (isCancel(error) || abort.signal.aborted) {
          return;
        }
        if (error instanceof ConnectError && error.code === Code.OutOfRange) {
          lastEventId = 0n;
        }
      }
      onState(false, "reconnecting");
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
    }
  };
  void run();
  return () => abort.abort();
}
