/** What the views share: the two times they show the register at and the selected subject,
mirrored in the address (`?asOf=…&knownAt=…&subject=…&tab=…`) so a link reproduces the view. */

import type { NodeRef } from "./api";

type Listener = () => void;

/** Where a selection came from: the map keeps its drawing when one of its own nodes is picked. */
export type SelectOrigin = "search" | "map" | "link";

export function todayIso(): string {
  const now = new Date();
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

const asked = new URLSearchParams(window.location.search);

function validDay(text: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(text) && !Number.isNaN(Date.parse(text));
}

/** A knownAt the API takes as typed: a day (read as its end, China time) or a day and a time
(China time), e.g. `2026-03-01` or `2026-03-01T12:00`. */
export function validKnownAt(text: string): boolean {
  const match = /^(\d{4}-\d{2}-\d{2})(T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?)?$/.exec(text);
  return match !== null && validDay(match[1]);
}

/** The day asked for in the address (`?asOf=YYYY-MM-DD`), else today. */
function initialDay(): string {
  const day = asked.get("asOf");
  return day && validDay(day) ? day : todayIso();
}

/** The recorded time asked for in the address (`?knownAt=`), else "" (now). */
function initialKnownAt(): string {
  const known = asked.get("knownAt");
  return known && validKnownAt(known) ? known : "";
}

class AppState {
  asOf: string = initialDay();
  /** knownAt as the API takes it; "" means now. */
  knownAt: string = initialKnownAt();
  selected: NodeRef | null = null;
  selectedFrom: SelectOrigin = "search";
  /** The subject id the address names, until it is opened. */
  readonly subjectAsked: string | null = asked.get("subject");
  /** The tab the address names, if any. */
  readonly tabAsked: string | null = asked.get("tab");
  private tab: string | null = this.tabAsked;
  private listeners = new Map<string, Listener[]>();

  on(event: "asOf" | "knownAt" | "selected", listener: Listener): void {
    const list = this.listeners.get(event) ?? [];
    list.push(listener);
    this.listeners.set(event, list);
  }

  private emit(event: string): void {
    this.writeAddress();
    for (const listener of this.listeners.get(event) ?? []) listener();
  }

  setAsOf(day: string): void {
    if (day === this.asOf) return;
    this.asOf = day;
    this.emit("asOf");
  }

  /** "" for now; otherwise a value `validKnownAt` accepts. */
  setKnownAt(known: string): void {
    if (known === this.knownAt || (known !== "" && !validKnownAt(known))) return;
    this.knownAt = known;
    this.emit("knownAt");
  }

  select(node: NodeRef, origin: SelectOrigin): void {
    this.selected = node;
    this.selectedFrom = origin;
    this.emit("selected");
  }

  setTab(tab: string): void {
    this.tab = tab;
    this.writeAddress();
  }

  /** The address of the current view (replaced, not pushed: the back button leaves the page). */
  private writeAddress(): void {
    const url = new URL(window.location.href);
    const params = url.searchParams;
    params.set("asOf", this.asOf);
    if (this.knownAt) params.set("knownAt", this.knownAt);
    else params.delete("knownAt");
    const subject = this.selected?.id ?? this.subjectAsked;
    if (subject) params.set("subject", subject);
    if (this.tab) params.set("tab", this.tab);
    window.history.replaceState(null, "", url);
  }
}

export const state = new AppState();

/** The two times of every read, as the explorer's queries name them: `$d` (asOf) and `$k`
(knownAt, null: now). */
export function times(): { d: string; k: string | null } {
  return { d: state.asOf, k: state.knownAt || null };
}
