/** An enterprise's risk profile and annual reports in the entity view (docs/risk.md): the
indicators that fire with their evidence, each line with its source file and row. */

import { ANNUAL_REPORTS, gql, gqlIfAllowed, RISK_PROFILE, type AnnualReport, type RiskProfile } from "./api";
import { h } from "./dom";
import { source } from "./format";
import { inLang, label, t } from "./i18n";

function riskSection(profile: RiskProfile): HTMLElement {
  const level = profile.level.toLowerCase();
  return h(
    "section",
    { class: "record risk-profile", "data-section": "riskProfile", id: "risk-profile", "data-level": profile.level },
    h("h3", {}, t("riskProfile"),
      h("span", { class: `level level-${level}`, id: "risk-level" }, label(profile.level)),
      h("span", { class: "count", title: t("riskScore") }, String(profile.score))),
    profile.indicators.length
      ? h("ul", { class: "indicators" }, profile.indicators.map((indicator) =>
          h("li", { class: "indicator", "data-indicator": indicator.id },
            h("b", {}, inLang(indicator.titleZh, indicator.titleEn, indicator.title)),
            h("span", { class: "weight", title: t("weight") }, `+${indicator.weight}`),
            h("ul", { class: "evidence" }, indicator.evidence.map((e) =>
              h("li", {}, inLang(e.textZh, e.textEn, e.text),
                e.facts[0] ? h("span", { class: "src", title: t("source") }, source(e.facts[0].provenance)) : null))))))
      : h("p", { class: "muted" }, t("noRisk")),
  );
}

function reportsSection(reports: AnnualReport[]): HTMLElement {
  return h(
    "section",
    { class: "record", "data-section": "annualReports" },
    h("h3", {}, t("annualReports"), h("span", { class: "count" }, String(reports.length))),
    reports.length
      ? h("table", {}, h("tbody", {}, [...reports].reverse().map((r) =>
          h("tr", { class: r.status === "NOT_FILED" ? "ended" : "" },
            h("td", {}, String(r.year)),
            h("td", {}, [r.phone, r.email, r.website, r.address].filter(Boolean).join(" · ")),
            h("td", { class: "when" }, `${label(r.status)} ${r.filedOn ?? ""}`,
              h("div", { class: "src", title: t("source") }, source(r.provenance)))))))
      : h("p", { class: "muted" }, t("none")),
  );
}

/** The risk profile (null when the caller's role may not see it) and the annual reports of
an enterprise on a day, as the register stood at knownAt. */
export async function enterpriseRisk(id: string, at: { d: string; k: string | null }): Promise<[HTMLElement | null, HTMLElement]> {
  const [risk, reports] = await Promise.all([
    gqlIfAllowed<{ riskProfile: RiskProfile }>(RISK_PROFILE, { id, ...at }),
    gql<{ enterprise: { annualReports: AnnualReport[] } }>(ANNUAL_REPORTS, { id, ...at }),
  ]);
  return [risk ? riskSection(risk.riskProfile) : null, reportsSection(reports.enterprise.annualReports)];
}
