/** What the entity view shows of a fact's recording (docs/feeds.md): the disputed badge of an
objection (异议) in force on the day, and the fact's history — corrected and withdrawn versions
struck through with their source, recorded and retracted times and the correction's reason, the
current one plain, and every objection with its status and dates — behind a per-fact button. */

import { gql, HISTORY_FIELDS, historyQuery, type Dispute, type DisputeBrief, type EnterpriseDetail, type FactVersion, type History, type NodeRef, type Recorded } from "./api";
import { clear, h } from "./dom";
import { pct, source } from "./format";
import { label, t, type Key } from "./i18n";

/** Labels of the values a correction can change; any other is shown by its own name. */
const FIELDS: Record<string, Key> = {
  percent: "percent", subscribed_amount: "fieldSubscribed", start: "fieldStart", end: "fieldEnd",
  role: "fieldRole", name: "fieldName", status: "status", type: "type", address: "address",
  authority: "authority", established: "established", registered_capital: "capital",
  currency: "fieldCurrency", business_scope: "scope", category: "category",
  nationality: "nationality", reason: "fieldReason", listed_on: "listedOn",
  removed_on: "fieldRemovedOn", removal_reason: "fieldReason", doc_no: "fieldDocNo",
  date: "fieldDate", content: "fieldContent", amount: "fieldAmount",
  secured_amount: "fieldAmount", collateral: "fieldCollateral",
};

const CHINA_OFFSET_MS = 8 * 3_600_000;

/** A recorded time (ISO, UTC from the API) in China time, the register's and the knownAt
control's: `2026-03-01 09:00`. */
export function chinaTime(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  return new Date(ms + CHINA_OFFSET_MS).toISOString().slice(0, 16).replace("T", " ");
}

/** Whether a fact has more to show than its current values: earlier or withdrawn versions, or
objections. */
export function hasHistory(r: Recorded): boolean {
  return r.versions.length > 1 || r.versions.some((v) => !v.current) || r.disputes.length > 0;
}

function valueText(key: string, value: unknown): string {
  if (value === null || value === undefined || value === "") return "—";
  if (key === "percent" && typeof value === "number") return pct(value);
  if (Array.isArray(value)) return value.join("、");
  if (key === "role" || key === "list" || key === "event") return label(String(value));
  return String(value);
}

/** The values that differ between a fact's versions: what tells one version from another. */
function changedKeys(versions: FactVersion[]): string[] {
  const keys = new Set(versions.flatMap((v) => Object.keys(v.values)));
  return [...keys]
    .filter((k) => new Set(versions.map((v) => JSON.stringify(v.values[k] ?? null))).size > 1)
    .sort();
}

type VersionState = "versionCurrent" | "versionCorrected" | "versionWithdrawn";

/** Current; corrected when the next version replaced it at once; withdrawn otherwise (the
register took it back, whether or not the fact was registered again later). */
function versionState(version: FactVersion, next: FactVersion | undefined): VersionState {
  if (version.current) return "versionCurrent";
  return next && next.recordedAt === version.retractedAt ? "versionCorrected" : "versionWithdrawn";
}

const STATE_CLASS: Record<VersionState, string> = { versionCurrent: "current", versionCorrected: "corrected", versionWithdrawn: "withdrawn" };

/** Why a version is shown as it is: a correction's reason (the `op_reason` of the row that
recorded the next version) beside the struck value it replaced, so that reason is not repeated
under the version that replaced it; otherwise the version's own reason. */
function reasonOf(versions: FactVersion[], index: number, states: VersionState[]): string | null {
  if (states[index] === "versionCorrected") return versions[index + 1].opReason;
  return states[index - 1] === "versionCorrected" ? null : versions[index].opReason;
}

function versionItem(version: FactVersion, state: VersionState, reason: string | null, keys: string[]): HTMLElement {
  const values = keys.map((k) => `${FIELDS[k] ? t(FIELDS[k]) : k} ${valueText(k, version.values[k])}`).join("；");
  const meta = [
    version.source,
    t("recordedOn", { t: chinaTime(version.recordedAt) }),
    !version.current && version.retractedAt ? t("retractedOn", { t: chinaTime(version.retractedAt) }) : null,
    reason ? t("opReason", { text: reason }) : null,
    source(version.provenance),
  ].filter(Boolean);
  return h(
    "li",
    { class: `version ${STATE_CLASS[state]}` },
    // The state is written out, so a screen reader that does not announce <del> still tells it.
    h("span", { class: "version-state" }, t(state)),
    values ? (version.current ? h("span", { class: "version-values" }, values) : h("del", { class: "version-values" }, values)) : null,
    h("span", { class: "version-meta" }, meta.join(" · ")),
  );
}

/** An objection's id, status and dates (`objection YY2026-001 · 待处理 · 提出 2026-03-03`),
with who filed it and on what grounds when known. */
function objectionText(d: DisputeBrief & Partial<Dispute>): string {
  return [
    t("objection", { id: d.objectionId }),
    label(d.status),
    t("filedOn", { d: d.filedOn }),
    d.resolvedOn ? t("resolvedOn", { d: d.resolvedOn }) : null,
    d.filedBy ? t("filedBy", { who: d.filedBy }) : null,
    d.grounds ? t("grounds", { text: d.grounds }) : null,
  ].filter(Boolean).join(" · ");
}

/** The badge of an objection disputing the fact on the day asked. */
function disputedLine(d: DisputeBrief): HTMLElement {
  return h("div", { class: "disputed-line", "data-objection": d.objectionId },
    h("span", { class: "badge badge-disputed" }, t("disputed")), " ", objectionText(d));
}

function historyPanel(found: History): HTMLElement[] {
  const keys = changedKeys(found.versions);
  const states = found.versions.map((v, i) => versionState(v, found.versions[i + 1]));
  const parts: HTMLElement[] = [
    h("ol", { class: "versions" }, found.versions.map((v, i) => versionItem(v, states[i], reasonOf(found.versions, i, states), keys))),
  ];
  if (found.disputes.length) {
    parts.push(h("ul", { class: "objections" }, found.disputes.map((d) =>
      h("li", { class: `objection objection-${d.status.toLowerCase()}`, "data-objection": d.objectionId }, objectionText(d)))));
  }
  return parts;
}

let panels = 0;

/** What goes under a fact's row: the disputed badge of each objection in force on the day, and a
button opening the fact's history (asked of `load` the first time); null when it has neither. */
export function factHistory(r: Recorded, load: () => Promise<History | null>, onError: (e: unknown) => void): HTMLElement | null {
  if (!hasHistory(r)) return null;
  const id = `history-${++panels}`;
  const panel = h("div", { id, class: "history", hidden: true });
  const text = r.disputes.length
    ? t("historyObjections", { n: r.versions.length, m: r.disputes.length })
    : t("history", { n: r.versions.length });
  const toggle = h("button", { type: "button", class: "history-toggle", "aria-expanded": "false", "aria-controls": id }, text);
  let loaded = false;
  toggle.addEventListener("click", async () => {
    if (!loaded) {
      toggle.setAttribute("aria-busy", "true");
      try {
        const found = await load();
        clear(panel);
        panel.append(...(found ? historyPanel(found) : [h("p", { class: "muted" }, t("none"))]));
        loaded = true;
      } catch (e) {
        onError(e);
        return;
      } finally {
        toggle.removeAttribute("aria-busy");
      }
    }
    const open = panel.hidden;
    panel.hidden = !open;
    toggle.setAttribute("aria-expanded", String(open));
  });
  return h("div", { class: "fact-history" }, r.disputes.filter((d) => d.active).map(disputedLine), toggle, panel);
}

/** Fact histories of one subject at the times of one view, asked on demand: one request per
section, shared by its facts. */
export class HistorySource {
  private readonly sections = new Map<string, Promise<Map<string, History>>>();

  constructor(private readonly subject: NodeRef, private readonly at: { d: string; k: string | null }) {}

  /** The history of one fact of a section (HISTORY_FIELDS), or with section null of the
  subject's own record. */
  async of(section: string | null, fact: string): Promise<History | null> {
    const key = section ?? "";
    let found = this.sections.get(key);
    if (!found) {
      found = this.fetch(section);
      this.sections.set(key, found);
      found.catch(() => this.sections.delete(key));
    }
    return (await found).get(fact) ?? null;
  }

  private async fetch(section: string | null): Promise<Map<string, History>> {
    const { id, kind } = this.subject;
    type Answer = { subject?: Record<string, unknown>; search?: { node: Record<string, unknown> }[] };
    const answer = await gql<Answer>(historyQuery(kind, section), kind === "OTHER" ? { id, k: this.at.k } : { id, ...this.at });
    const subject = answer.subject ?? answer.search?.[0]?.node;
    if (!subject) return new Map();
    if (!section) return new Map([["", subject as unknown as History]]);
    const { field, identity } = HISTORY_FIELDS[section];
    const facts = subject[field.split("(")[0]] as (History & Record<string, string>)[];
    return new Map(facts.map((f) => [f[identity], f]));
  }
}

/** The registration authorities an enterprise moved between (迁出 / 迁入) up to the day: the
one it registered with, then each move's date, kind and new authority; null without a move. */
export function authorityTrail(e: EnterpriseDetail): HTMLElement | null {
  if (!e.authorityHistory.length) return null;
  const moves = e.authorityHistory.map((m) => [" → ", h("span", { class: "move" }, `${m.date} ${label(m.event)}`), ` ${m.authority ?? "?"}`]);
  return h("span", { class: "authority-trail" }, e.authority ?? "?", ...moves);
}
