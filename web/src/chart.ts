// The sign-ups chart: one inline SVG bar per UTC day, no library. It stays readable from a month
// (wide bars, a date under every week) to a year (hairline bars, a label per month): the labels
// are chosen by the number of days, the bars fill whatever width the panel has.
import type { DailyUserCount } from "./gen/user_pb";

const SVG = "http://www.w3.org/2000/svg";
const HEIGHT = 180;
const LEFT = 40; // room for the count axis
const BOTTOM = 22; // room for the date labels
const TOP = 10;

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attributes: Record<string, string | number>, text?: string): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) {
    element.setAttribute(name, String(value));
  }
  if (text !== undefined) {
    element.textContent = text;
  }
  return element;
}

/** A round step for the count axis, so gridlines fall on 1, 2, 5, 10, 20, 50, ... */
function niceStep(max: number): number {
  const rough = Math.max(1, max) / 4;
  const power = 10 ** Math.floor(Math.log10(rough));
  // Counts are whole: never a gridline at 0.5.
  return Math.max(1, [1, 2, 5, 10].map((factor) => factor * power).find((step) => step >= rough) ?? 10 * power);
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

function label(date: string, days: number): string | undefined {
  const [, month, day] = date.split("-").map(Number) as [number, number, number];
  if (days > 62) {
    // A year: the first of each month.
    return day === 1 ? MONTHS[month - 1] : undefined;
  }
  return undefined;
}

export function drawSignupChart(target: SVGSVGElement, days: DailyUserCount[], width: number): void {
  const counts = days.map((day) => Number(day.count));
  const step = niceStep(Math.max(0, ...counts));
  const top = Math.max(step, Math.ceil(Math.max(0, ...counts) / step) * step);
  const plotWidth = Math.max(100, width - LEFT - 8);
  const plotHeight = HEIGHT - TOP - BOTTOM;
  const slot = plotWidth / Math.max(1, days.length);
  const gap = slot >= 6 ? Math.min(3, slot * 0.2) : 0;
  const y = (value: number) => TOP + plotHeight - (value / top) * plotHeight;

  target.replaceChildren();
  target.setAttribute("viewBox", `0 0 ${LEFT + plotWidth + 8} ${HEIGHT}`);
  target.setAttribute("width", String(LEFT + plotWidth + 8));
  target.setAttribute("height", String(HEIGHT));

  for (let value = 0; value <= top; value += step) {
    target.append(
      svg("line", { x1: LEFT, x2: LEFT + plotWidth, y1: y(value), y2: y(value), class: value === 0 ? "axis" : "grid" }),
      svg("text", { x: LEFT - 6, y: y(value) + 4, class: "tick", "text-anchor": "end" }, String(value)),
    );
  }

  days.forEach((day, index) => {
    const count = counts[index] ?? 0;
    const x = LEFT + index * slot + gap / 2;
    const bar = svg("rect", {
      x,
      y: y(count),
      width: Math.max(1, slot - gap),
      height: Math.max(0, y(0) - y(count)),
      class: count > 0 ? "bar" : "bar empty",
      "data-date": day.date,
      "data-count": count,
    });
    bar.append(svg("title", {}, `${day.date}: ${count} sign-up${count === 1 ? "" : "s"}`));
    target.append(bar);

    // A month: every 7th day from the newest backwards, so today is always labelled.
    const monthly = days.length <= 62 && (days.length - 1 - index) % 7 === 0;
    const text = monthly ? day.date.slice(5) : label(day.date, days.length);
    if (text) {
      // Kept inside the plot: a label at either edge is anchored to that edge.
      const centre = x + (slot - gap) / 2;
      const anchor = centre > LEFT + plotWidth - 20 ? "end" : centre < LEFT + 20 ? "start" : "middle";
      target.append(svg("text", { x: centre, y: HEIGHT - 6, class: "tick", "text-anchor": anchor }, text));
    }
  });
}
