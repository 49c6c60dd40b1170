/** Export of the current view: the drawing as PNG, the rows behind it as CSV. */

import type { Core } from "cytoscape";

function download(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function exportPng(cy: Core, name: string): void {
  const blob = cy.png({ output: "blob", full: true, bg: "#ffffff", scale: 2, maxWidth: 8000, maxHeight: 8000 });
  download(`${name}.png`, blob);
}

function cell(value: unknown): string {
  const text = value === null || value === undefined ? "" : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** CSV with a BOM so spreadsheet programs read the Chinese text as UTF-8. */
export function exportCsv(name: string, header: string[], rows: unknown[][]): void {
  const lines = [header, ...rows].map((row) => row.map(cell).join(","));
  download(`${name}.csv`, new Blob(["\ufeff" + lines.join("\r\n") + "\r\n"], { type: "text/csv;charset=utf-8" }));
}

/** What a view offers the toolbar's export buttons. */
export interface Exportable {
  name(): string;
  graph(): Core | null;
  rows(): { header: string[]; rows: unknown[][] };
  /** Show the graph as on its first draw (readable labels), e.g. when its tab is opened. */
  fitView?(): void;
}
