/** How values are written on the page and in CSV files. */

import type { Provenance } from "./api";
import { t } from "./i18n";

/** A percent to 2 decimals, the precision shown and exported everywhere. */
export function round2(value: number): number {
  return Number(value.toFixed(2));
}

/** A percent as shown: at most 2 decimals, "?" when unknown. */
export function pct(value: number | null | undefined): string {
  if (value === null || value === undefined) return "?";
  return `${round2(value)}%`;
}

/** A percent in a CSV cell: 2 decimals, empty when unknown. */
export function pctCell(value: number | null | undefined): number | "" {
  return value === null || value === undefined ? "" : round2(value);
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
