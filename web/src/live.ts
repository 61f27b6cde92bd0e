// The live view's feed: WatchUsers over gRPC-Web (server streaming). It replays the change
// history and then follows new changes; after a dropped connection it resumes from the last
// event it saw, so nothing is missed or shown twice.
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
        for await (const event of client.watchUsers({ sinceEventId: lastEventId }, { signal: abort.signal })) {
          lastEventId = event.eventId;
          onEvent(event);
        }
      } catch (error) {
        if (isCancel(error) || abort.signal.aborted) {
          return;
        }
      }
      onState(false, "reconnecting");
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
    }
  };
  void run();
  return () => abort.abort();
}
