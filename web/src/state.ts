/** What the views share: the day they show the graph on and the selected subject. */

import type { NodeRef } from "./api";

type Listener = () => void;

/** Where a selection came from: the map keeps its drawing when one of its own nodes is picked. */
export type SelectOrigin = "search" | "map" | "link";

export function todayIso(): string {
  const now = new Date();
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** The day asked for in the address (`?asOf=YYYY-MM-DD`), else today. */
function initialDay(): string {
  const asked = new URLSearchParams(window.location.search).get("asOf");
  return asked && /^\d{4}-\d{2}-\d{2}$/.test(asked) && !Number.isNaN(Date.parse(asked)) ? asked : todayIso();
}

class AppState {
  asOf: string = initialDay();
  selected: NodeRef | null = null;
  selectedFrom: SelectOrigin = "search";
  private listeners = new Map<string, Listener[]>();

  on(event: "asOf" | "selected", listener: Listener): void {
    const list = this.listeners.get(event) ?? [];
    list.push(listener);
    this.listeners.set(event, list);
  }

  private emit(event: string): void {
    for (const listener of this.listeners.get(event) ?? []) listener();
  }

  setAsOf(day: string): void {
    if (day === this.asOf) return;
    this.asOf = day;
    this.emit("asOf");
  }

  select(node: NodeRef, origin: SelectOrigin): void {
    this.selected = node;
    this.selectedFrom = origin;
    this.emit("selected");
  }
}

export const state = new AppState();
