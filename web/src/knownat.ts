/** The second date control, beside "as of": "as the register showed it on" (knownAt). A day and
an optional time, China time as the API reads them (a day alone: its end); empty means now. */

import { h } from "./dom";
import { onLangChange, t } from "./i18n";
import { state, todayIso } from "./state";

export function knownAtControl(): HTMLElement {
  const caption = h("span", { id: "knownat-label", "data-t": "knownAt" }, t("knownAt"));
  const day = h("input", { id: "knownat-date", type: "date", min: "2000-01-01", max: todayIso(), "aria-labelledby": "knownat-label" });
  const time = h("input", { id: "knownat-time", type: "time", "aria-labelledby": "knownat-label" });
  const now = h("button", { id: "knownat-now", type: "button", class: "now", "data-t": "knownAtNow" }, t("knownAtNow"));
  const group = h("span", { class: "asof knownat", role: "group", "aria-labelledby": "knownat-label", title: t("knownAtHint") }, caption, day, time, now);

  function show(): void {
    const [date = "", clock = ""] = state.knownAt ? state.knownAt.split("T") : [];
    day.value = date;
    time.value = clock;
    time.disabled = !date;
    now.disabled = !state.knownAt;
  }
  function apply(): void {
    if (!day.value) state.setKnownAt("");
    else state.setKnownAt(time.value ? `${day.value}T${time.value}` : day.value);
  }
  day.addEventListener("change", apply);
  time.addEventListener("change", apply);
  now.addEventListener("click", () => state.setKnownAt(""));
  state.on("knownAt", show);
  onLangChange(() => (group.title = t("knownAtHint")));
  show();
  return group;
}
