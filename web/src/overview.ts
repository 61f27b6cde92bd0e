// The overview panel: how many users there are in each status and a chart of sign-ups per UTC
// day, from GetUserStats. The numbers follow the change feed: main.ts calls refreshSoon() for
// every event the live view receives, and a burst of events costs one call.
import { UserStatus, type GetUserStatsResponse } from "./gen/user_pb";
import type { UserClient } from "./api";
import { drawSignupChart } from "./chart";
import { byId } from "./dom";

const REFRESH_DELAY_MS = 300;

export class Overview {
  private days = 30;
  private timer: number | undefined;
  private last: GetUserStatsResponse | undefined;
  private readonly chart = byId<SVGSVGElement & HTMLElement>("signup-chart");
  private readonly caption = byId<HTMLElement>("signup-caption");

  constructor(
    private readonly client: UserClient,
    private readonly onError: (error: unknown) => void,
  ) {
    for (const button of document.querySelectorAll<HTMLButtonElement>("#overview-range button[data-days]")) {
      button.addEventListener("click", () => {
        this.days = Number(button.dataset["days"]);
        for (const other of document.querySelectorAll<HTMLButtonElement>("#overview-range button")) {
          other.setAttribute("aria-pressed", String(other === button));
        }
        void this.refresh();
      });
    }
    // The bars fill the panel: redraw (without a call) when it changes width.
    new ResizeObserver(() => this.draw()).observe(this.chart.parentElement!);
  }

  refreshSoon(): void {
    window.clearTimeout(this.timer);
    this.timer = window.setTimeout(() => void this.refresh(), REFRESH_DELAY_MS);
  }

  async refresh(): Promise<void> {
    try {
      this.last = await this.client.getUserStats({ days: this.days });
      this.render(this.last);
    } catch (error) {
      this.onError(error);
    }
  }

  private render(stats: GetUserStatsResponse): void {
    const count = (status: UserStatus) => stats.statusCounts.find((entry) => entry.status === status)?.count ?? 0n;
    setCount("stat-total", stats.total);
    setCount("stat-active", count(UserStatus.ACTIVE));
    setCount("stat-suspended", count(UserStatus.SUSPENDED));
    setCount("stat-inactive", count(UserStatus.INACTIVE));
    const inRange = stats.dailyCreated.reduce((sum, day) => sum + Number(day.count), 0);
    const first = stats.dailyCreated[0]?.date ?? "";
    const lastDay = stats.dailyCreated.at(-1)?.date ?? "";
    // Counted from the stored users' creation days: a deleted user leaves its day.
    this.caption.textContent = `Sign-ups per day (UTC), ${first} to ${lastDay}: ${inRange} user${inRange === 1 ? "" : "s"} still stored`;
    this.chart.dataset["days"] = String(stats.dailyCreated.length);
    this.chart.dataset["latestEventId"] = String(stats.latestEventId);
    this.draw();
  }

  private draw(): void {
    if (this.last) {
      drawSignupChart(this.chart, this.last.dailyCreated, this.chart.parentElement!.clientWidth);
    }
  }
}

function setCount(id: string, value: bigint): void {
  const element = byId<HTMLElement>(id);
  element.textContent = value.toLocaleString("en");
  element.dataset["count"] = String(value);
}
