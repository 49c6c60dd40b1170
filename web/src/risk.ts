/** Risk checks: blacklist exposure around the subject (drawn on the map on request) and the
appointment-restriction check of a person with rule, citation, window and affected posts. */

import {
  DISQUALIFICATION,
  EXPOSURE,
  gql,
  LISTS,
  type DisqualificationCheck,
  type ExposureHit,
  type ListType,
  type NodeRef,
} from "./api";
import { clear, h } from "./dom";
import type { Exportable } from "./exporter";
import { source, span } from "./format";
import { inLang, label, t } from "./i18n";
import { times } from "./state";

export class RiskPanel implements Exportable {
  private hits: ExposureHit[] = [];
  private check: DisqualificationCheck | null = null;
  private subject: NodeRef | null = null;
  readonly lists: HTMLInputElement[];
  readonly hops: HTMLSelectElement;

  constructor(
    private readonly exposureRoot: HTMLElement,
    private readonly restrictionRoot: HTMLElement,
    private readonly onShowOnMap: (hits: ExposureHit[]) => void,
    private readonly onError: (e: unknown) => void,
  ) {
    this.lists = LISTS.map((l) => h("input", { type: "checkbox", value: l, checked: l === "SERIOUS_ILLEGAL" || l === "DISHONEST_DEBTOR" }));
    this.hops = h("select", { id: "exp-hops" }, [1, 2, 3, 4].map((v) => h("option", { value: v, selected: v === 3 }, String(v))));
  }

  name(): string {
    return `risk-${this.subject?.id ?? "none"}`;
  }

  graph(): null {
    return null;
  }

  rows(): { header: string[]; rows: unknown[][] } {
    return {
      header: ["check", "subject_id", "subject_name", "list_or_rule", "distance_or_certainty", "date_or_window", "path_or_citation"],
      rows: [
        ...this.hits.map((x) => ["exposure", x.subject.id, x.subject.name, x.list, x.distance, x.listedOn, [x.path.steps[0]?.from.name, ...x.path.steps.map((s) => s.to.name)].join(" > ")]),
        ...(this.check?.hits ?? []).map((x) => ["restriction", this.check!.person.id, this.check!.person.name, x.ruleId, x.certainty, `${x.windowStart}..${x.windowEnd ?? ""}`, inLang(x.citationZh, x.citationEn, x.citation)]),
      ],
    };
  }

  /** Show the controls for a subject; the checks run on request. */
  show(subject: NodeRef | null): void {
    this.subject = subject;
    this.hits = [];
    this.check = null;
    clear(this.exposureRoot);
    clear(this.restrictionRoot);
    if (!subject) {
      this.exposureRoot.append(h("p", { class: "muted" }, t("noEntity")));
      return;
    }
    const run = h("button", { id: "run-exposure", class: "primary" }, t("runExposure"));
    run.addEventListener("click", () => void this.exposure());
    this.exposureRoot.append(
      h("h3", {}, t("exposure"), " · ", subject.name),
      h("div", { class: "controls" },
        h("label", {}, t("maxHopsLabel"), this.hops),
        h("span", { class: "lists" }, this.lists.map((box) => h("label", {}, box, label(box.value)))),
        run),
      h("div", { id: "exposure-results" }),
    );
    const check = h("button", { id: "run-check", class: "primary", disabled: subject.kind !== "PERSON" }, t("runCheck"));
    check.addEventListener("click", () => void this.restriction());
    this.restrictionRoot.append(
      h("h3", {}, t("restriction"), " · ", subject.name),
      subject.kind === "PERSON" ? check : h("p", { class: "muted" }, t("personOnly")),
      h("div", { id: "restriction-results" }),
    );
  }

  async exposure(): Promise<void> {
    if (!this.subject) return;
    const lists = this.lists.filter((b) => b.checked).map((b) => b.value as ListType);
    const out = this.exposureRoot.querySelector<HTMLElement>("#exposure-results")!;
    clear(out);
    out.append(h("p", { class: "muted" }, t("loading")));
    try {
      const answer = await gql<{ blacklistExposure: { hits: ExposureHit[] } }>(EXPOSURE, {
        id: this.subject.id, hops: Number(this.hops.value), lists, deg: 200, ...times(),
      });
      this.hits = answer.blacklistExposure.hits;
    } catch (e) {
      clear(out);
      this.onError(e);
      return;
    }
    clear(out);
    if (!this.hits.length) {
      out.append(h("p", { class: "muted", id: "no-exposure" }, t("noExposure")));
      return;
    }
    const draw = h("button", { id: "exposure-on-map" }, t("showOnMap"));
    draw.addEventListener("click", () => this.onShowOnMap(this.hits));
    out.append(
      draw,
      h("table", { class: "hits", id: "exposure-table" },
        h("thead", {}, h("tr", {}, [t("listEntries"), t("lists"), t("listedOn"), t("distance"), t("source")].map((c) => h("th", {}, c)))),
        h("tbody", {}, this.hits.map((x) =>
          h("tr", { "data-id": x.subject.id },
            h("td", {}, h("b", {}, x.subject.name), h("div", { class: "path-line" }, [x.path.steps[0]?.from.name, ...x.path.steps.map((s) => `${label(s.relation)} ${s.to.name}`)].join(" › "))),
            h("td", {}, label(x.list)),
            h("td", {}, x.listedOn),
            h("td", { class: "num" }, String(x.distance)),
            h("td", { class: "src" }, source(x.entry.provenance)))))),
    );
  }

  async restriction(): Promise<void> {
    if (!this.subject || this.subject.kind !== "PERSON") return;
    const out = this.restrictionRoot.querySelector<HTMLElement>("#restriction-results")!;
    clear(out);
    out.append(h("p", { class: "muted" }, t("loading")));
    try {
      this.check = (await gql<{ disqualificationCheck: DisqualificationCheck }>(DISQUALIFICATION, { id: this.subject.id, ...times() })).disqualificationCheck;
    } catch (e) {
      clear(out);
      this.onError(e);
      return;
    }
    clear(out);
    const c = this.check;
    const verdict = c.disqualified ? "disqualified" : c.needsReview ? "needsReview" : "clean";
    out.append(h("p", { class: `verdict verdict-${verdict}`, id: "verdict" }, t(verdict)));
    for (const hit of c.hits) {
      const trigger = hit.trigger;
      out.append(
        h("article", { class: `hit certainty-${hit.certainty.toLowerCase()}`, "data-rule": hit.ruleId },
          h("header", {}, h("span", { class: "rule-id" }, hit.ruleId), h("span", { class: "certainty" }, label(hit.certainty)), h("span", { class: "rule-title" }, inLang(hit.titleZh, hit.titleEn, hit.title))),
          h("dl", { class: "facts" },
            h("dt", {}, t("citation")), h("dd", { class: "citation" }, inLang(hit.citationZh, hit.citationEn, hit.citation)),
            h("dt", {}, t("window")), h("dd", { class: "window" }, span(hit.windowStart, hit.windowEnd)),
            h("dt", {}, t("barred")), h("dd", {}, hit.barredRoles.map(label).join("、")),
            h("dt", {}, t("trigger")), h("dd", {}, [label(trigger.kind), trigger.date, trigger.enterprise?.name, trigger.reason].filter(Boolean).join(" · ")),
            hit.note ? h("dt", {}, t("needsReview")) : null, hit.note ? h("dd", {}, inLang(hit.noteZh, hit.noteEn, hit.note)) : null),
          h("h4", {}, t("affected")),
          hit.affectedAppointments.length
            ? h("table", { class: "affected" }, h("tbody", {}, hit.affectedAppointments.map((a) =>
                h("tr", {}, h("td", {}, a.enterprise.name), h("td", {}, label(a.role)), h("td", {}, a.start ?? ""), h("td", { class: `effect effect-${a.kind}` }, label(a.kind))))))
            : h("p", { class: "muted" }, t("none")),
          h("details", {}, h("summary", {}, t("evidence")),
            h("ul", { class: "evidence" }, hit.evidence.map((ev) => h("li", {}, ev.summary, " ", h("span", { class: "src" }, source(ev.provenance)))))),
        ),
      );
    }
  }
}
