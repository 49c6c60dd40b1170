/** The entity view: registration facts and every section of the record, each row with its source. */

import {
  ENTERPRISE,
  gql,
  OTHER,
  PERSON,
  type EnterpriseDetail,
  type Holding,
  type ListEntry,
  type NodeRef,
  type OtherDetail,
  type PersonDetail,
  type Post,
  type Provenance,
  type Recorded,
} from "./api";
import { clear, h } from "./dom";
import type { Exportable } from "./exporter";
import { watchButton } from "./alerts";
import { amount, pct, pctCell, source, span } from "./format";
import { authorityTrail, factHistory, HistorySource } from "./history";
import { label, t, type Key } from "./i18n";
import { enterpriseRisk } from "./riskview";
import { state, times } from "./state";

const SHOWN = 100;

interface Row {
  cells: (Node | string)[];
  ended: boolean;
  provenance: Provenance | null;
  csv: unknown[];
  /** Versions and objections, shown under the row (history.ts). */
  recorded: Recorded;
  /** What names the fact in its section (HISTORY_FIELDS identity). */
  fact: string;
}
interface Section {
  key: Key;
  rows: Row[];
}

function nodeLink(node: NodeRef | null): Node | string {
  if (!node) return "";
  const a = h("a", { href: "#", class: `node-link kind-${node.kind.toLowerCase()}`, "data-id": node.id }, node.name);
  a.addEventListener("click", (event) => {
    event.preventDefault();
    state.select(node, "link");
  });
  return a;
}

function holdingRows(items: Holding[], other: (x: Holding) => NodeRef): Row[] {
  return items.map((x) => ({
    cells: [nodeLink(other(x)), pct(x.percent), span(x.start, x.end)],
    ended: !x.current,
    provenance: x.provenance,
    recorded: x,
    fact: x.key,
    csv: [other(x).id, other(x).name, pctCell(x.percent), x.start, x.end],
  }));
}

function postRows(items: Post[], other: (x: Post) => NodeRef): Row[] {
  return items.map((x) => ({
    cells: [nodeLink(other(x)), h("span", { class: "role" }, label(x.role)), span(x.start, x.end)],
    ended: !x.current,
    provenance: x.provenance,
    recorded: x,
    fact: x.key,
    csv: [other(x).id, other(x).name, x.role, x.start, x.end],
  }));
}

function entryRows(items: ListEntry[]): Row[] {
  return items.map((x) => ({
    cells: [label(x.list), x.reason ?? "", span(x.listedOn, x.removedOn)],
    ended: !x.current,
    provenance: x.provenance,
    recorded: x,
    fact: x.id,
    csv: [x.list, "", x.reason, x.listedOn, x.removedOn],
  }));
}

function enterpriseSections(e: EnterpriseDetail): Section[] {
  return [
    { key: "shareholders", rows: holdingRows(e.shareholders, (x) => x.holder) },
    { key: "legalReps", rows: postRows(e.legalRepresentatives, (x) => x.person) },
    { key: "officers", rows: postRows(e.officers, (x) => x.person) },
    { key: "investments", rows: holdingRows(e.investments, (x) => x.enterprise) },
    { key: "listEntries", rows: entryRows(e.listEntries) },
    {
      key: "penalties",
     
      rows: e.penalties.map((p) => ({
        cells: [p.docNo, [p.violationType, p.content].filter(Boolean).join("：") , p.decidedOn ?? ""],
        ended: false,
        provenance: p.provenance,
        recorded: p,
        fact: p.id,
        csv: [p.docNo, p.authority, p.content, p.decidedOn, ""],
      })),
    },
    {
      key: "events",
     
      rows: e.events.map((ev) => ({
        cells: [label(ev.event), ev.reason ?? "", ev.date ?? ""],
        ended: false,
        provenance: ev.provenance,
        recorded: ev,
        fact: ev.id,
        csv: [ev.event, "", ev.reason, ev.date, ""],
      })),
    },
    {
      key: "pledges",
     
      rows: e.equityPledges.map((p) => ({
        cells: [
          h("span", {}, nodeLink(p.pledgor), " → ", nodeLink(p.pledgee)),
          [p.enterprise?.name, amount(p.amount)].filter(Boolean).join(" · "),
          span(p.start, p.end),
        ],
        ended: !p.current,
        provenance: p.provenance,
        recorded: p,
        fact: p.regNo,
        csv: [p.regNo, `${p.pledgor?.name ?? ""} -> ${p.pledgee?.name ?? ""}`, p.amount, p.start, p.end],
      })),
    },
    {
      key: "mortgages",
     
      rows: e.chattelMortgages.map((m) => ({
        cells: [
          h("span", {}, nodeLink(m.mortgagor), " → ", nodeLink(m.mortgagee)),
          [amount(m.securedAmount), m.collateral].filter(Boolean).join(" · "),
          span(m.start, m.end),
        ],
        ended: !m.current,
        provenance: m.provenance,
        recorded: m,
        fact: m.regNo,
        csv: [m.regNo, `${m.mortgagor.name} -> ${m.mortgagee.name}`, m.securedAmount, m.start, m.end],
      })),
    },
  ];
}

function facts(pairs: [Key, string | null | undefined | Node][]): HTMLElement {
  return h(
    "dl",
    { class: "facts" },
    pairs.filter(([, v]) => v !== null && v !== undefined && v !== "").flatMap(([k, v]) => [h("dt", {}, t(k)), h("dd", {}, v as Node | string)]),
  );
}

/** Builds a fact's disputed badge and history control (history.ts) for a section's row. */
type HistoryOf = (row: Row, section: Key) => HTMLElement | null;

function renderSection(section: Section, historyOf: HistoryOf): HTMLElement {
  const body = section.rows.slice(0, SHOWN).flatMap((row) => {
    const fact = h(
      "tr",
      { class: ["fact", row.ended ? "ended" : "", row.recorded.disputed ? "disputed" : ""].filter(Boolean).join(" ") },
      row.cells.slice(0, -1).map((c) => h("td", {}, c)),
      h("td", { class: "when" }, row.cells.at(-1) ?? "", h("div", { class: "src", title: t("source") }, source(row.provenance))),
    );
    const history = historyOf(row, section.key);
    return history ? [fact, h("tr", { class: "fact-more" }, h("td", { colspan: row.cells.length }, history))] : [fact];
  });
  return h(
    "section",
    { class: "record", "data-section": section.key },
    h("h3", {}, t(section.key), h("span", { class: "count" }, String(section.rows.length))),
    section.rows.length
      ? h("table", {}, h("tbody", {}, body))
      : h("p", { class: "muted" }, t("none")),
    section.rows.length > SHOWN ? h("p", { class: "muted" }, t("more", { n: section.rows.length - SHOWN })) : null,
  );
}

export class EntityView implements Exportable {
  private sections: Section[] = [];
  private subject: NodeRef | null = null;
  private ticket = 0;

  constructor(private readonly root: HTMLElement, private readonly onError: (e: unknown) => void) {}

  name(): string {
    return `entity-${this.subject?.id ?? "none"}`;
  }

  graph(): null {
    return null;
  }

  rows(): { header: string[]; rows: unknown[][] } {
    return {
      header: ["section", "id", "name", "detail", "start", "end", "src_file", "src_row"],
      rows: this.sections.flatMap((s) =>
        s.rows.map((r) => [s.key, ...r.csv, r.provenance?.srcFile ?? "", r.provenance?.srcRow ?? ""]),
      ),
    };
  }

  async show(node: NodeRef | null): Promise<void> {
    this.subject = node;
    const ticket = ++this.ticket;
    clear(this.root);
    if (!node) {
      this.root.append(h("p", { class: "muted" }, t("noEntity")));
      return;
    }
    this.root.append(h("p", { class: "muted" }, t("loading")));
    try {
      const content = await this.load(node);
      if (ticket !== this.ticket) return;
      clear(this.root);
      this.root.append(...content);
    } catch (e) {
      if (ticket === this.ticket) clear(this.root);
      this.onError(e);
    }
  }

  private async load(node: NodeRef): Promise<HTMLElement[]> {
    const at = times();
    const histories = new HistorySource(node, at);
    const record = (r: Recorded) => factHistory(r, () => histories.of(null, ""), this.onError);
    const historyOf: HistoryOf = (row, section) => factHistory(row.recorded, () => histories.of(section, row.fact), this.onError);
    const sections = () => this.sections.map((s) => renderSection(s, historyOf));
    const watch = watchButton(node, this.onError);
    const title = async (extra: string) =>
      h("header", { class: "entity-title" }, h("span", { class: `kind kind-${node.kind.toLowerCase()}` }, label(node.kind)), h("h2", { id: "entity-name" }, node.name), h("code", {}, extra), await watch);
    if (node.kind === "ENTERPRISE") {
      const { enterprise: e } = await gql<{ enterprise: EnterpriseDetail }>(ENTERPRISE, { id: node.id, ...at });
      this.sections = enterpriseSections(e);
      const [profile, reports] = await enterpriseRisk(node.id, at);
      return [
        await title(e.uscc ?? e.regNo ?? e.id),
        ...(profile ? [profile] : []),
        h("section", { class: "record" }, h("h3", {}, t("registration")), facts([
          ["uscc", e.uscc], ["regNo", e.regNo], ["status", e.status], ["type", e.type],
          ["legalRep", e.legalRepresentative ? nodeLink(e.legalRepresentative) : null],
          ["established", e.established],
          ["capital", e.registeredCapital !== null ? `${amount(e.registeredCapital)} ${e.currency ?? ""}` : null],
          ["authority", e.authorityOnDay ?? e.authority], ["authorityHistory", authorityTrail(e)],
          ["address", e.address], ["scope", e.businessScope],
          ["source", source(e.provenance)],
        ]), record(e)),
        ...sections(),
        reports,
      ];
    }
    if (node.kind === "PERSON") {
      const { person: p } = await gql<{ person: PersonDetail }>(PERSON, { id: node.id, ...at });
      this.sections = [
        { key: "appointments", rows: postRows(p.appointments, (x) => x.enterprise) },
        { key: "holdings", rows: holdingRows(p.holdings, (x) => x.enterprise) },
        { key: "listEntries", rows: entryRows(p.listEntries) },
      ];
      return [
        await title(p.personId),
        h("section", { class: "record" }, h("h3", {}, t("registration")), facts([
          ["personId", p.personId], ["idNumber", p.maskedIdNumber], ["nationality", p.nationality], ["source", source(p.provenance)],
        ]), record(p)),
        ...sections(),
      ];
    }
    const { search } = await gql<{ search: { node: OtherDetail }[] }>(OTHER, { id: node.id, k: at.k });
    const o = search[0].node;
    this.sections = [{ key: "holdings", rows: holdingRows(o.holdings, (x) => x.enterprise) }];
    return [
      await title(o.id),
      h("section", { class: "record" }, h("h3", {}, t("registration")), facts([["category", o.category], ["source", source(o.provenance)]]), record(o)),
      ...sections(),
    ];
  }
}
