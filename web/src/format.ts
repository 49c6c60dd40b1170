/** How values are written on the page and in CSV files. */

import type { Provenance } from "./api";
import { t } from "./i18n";

export function pct(value: number | null | undefined): string {
  if (value === null || value === undefined) return "?";
  return `${Number(value.toFixed(2))}%`;
}

export function span(start: string | null, end: string | null): string {
  if (!start && !end) return "";
  return `${start ?? "…"} — ${end ?? t("until")}`;
}

export function source(p: Provenance | null | undefined): string {
  if (!p || !p.srcFile) return "";
  return p.srcRow !== null ? `${p.srcFile}:${p.srcRow}` : p.srcFile;
}

export function amount(value: number | null | undefined): string {
  if (value === null || value === undefined) return "";
  return `${value.toLocaleString()} ${t("tenThousand")}`;
}
