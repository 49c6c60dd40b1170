/** Watchlists and alerts (docs/risk.md): a header button with the number of unread alerts
that opens their list, and the watch switch of the entity view. */

import { ALERTS, gql, gqlIfAllowed, MARK_READ, UNREAD_ALERTS, UNWATCH, WATCH, WATCHLIST, type Alert, type NodeRef } from "./api";
import { clear, h } from "./dom";
import { inLang, t } from "./i18n";

/** How often the unread count is asked for (a load by another process shows up). */
const POLL_MS = 60_000;

export class AlertsPanel {
  readonly root: HTMLElement;
  private readonly badge = h("span", { id: "alerts-unread", class: "alerts-count", hidden: true });
  private readonly panel = h("div", { id: "alerts-panel", class: "alerts-panel", hidden: true });
  private alerts: Alert[] = [];

  constructor(private readonly onError: (e: unknown) => void) {
    const button = h("button", { id: "alerts-button", class: "alerts-button" },
      h("span", { "data-t": "alerts" }, t("alerts")), this.badge);
    button.addEventListener("click", () => void this.toggle());
    this.root = h("div", { class: "alerts" }, button, this.panel);
    window.setInterval(() => void this.refreshCount(), POLL_MS);
  }

  /** The unread count; the panel is left out for a role without watchlists. */
  async refreshCount(): Promise<void> {
    try {
      const answer = await gqlIfAllowed<{ unreadAlerts: number }>(UNREAD_ALERTS, {});
      this.root.hidden = answer === null;
      if (answer) this.showCount(answer.unreadAlerts);
    } catch (e) {
      this.onError(e);
    }
  }

  private showCount(unread: number): void {
    this.badge.textContent = String(unread);
    this.badge.hidden = unread === 0;
  }

  private async toggle(): Promise<void> {
    if (!this.panel.hidden) {
      this.panel.hidden = true;
      return;
    }
    try {
      const answer = await gql<{ unreadAlerts: number; alerts: Alert[] }>(ALERTS, { first: 100 });
      this.alerts = answer.alerts;
      this.showCount(answer.unreadAlerts);
      this.render();
      this.panel.hidden = false;
    } catch (e) {
      this.onError(e);
    }
  }

  /** The list in the current language (also after a language change). */
  render(): void {
    clear(this.panel);
    const markRead = h("button", { id: "alerts-mark-read" }, t("markRead"));
    markRead.addEventListener("click", () => void this.markRead());
    this.panel.append(
      this.alerts.length
        ? h("ol", {}, this.alerts.map((a) =>
            h("li", { class: a.read ? "alert read" : "alert unread", "data-kind": a.kind, "data-entity": a.entityId },
              h("span", { class: "text" }, inLang(a.textZh, a.textEn, a.text)),
              h("time", {}, a.createdAt.slice(0, 10)))))
        : h("p", { class: "muted" }, t("noAlerts")),
      markRead,
    );
  }

  private async markRead(): Promise<void> {
    const unread = this.alerts.filter((a) => !a.read).map((a) => a.id);
    if (!unread.length) return;
    try {
      await gql(MARK_READ, { ids: unread });
      this.alerts = this.alerts.map((a) => ({ ...a, read: true }));
      this.render();
      this.showCount(0);
    } catch (e) {
      this.onError(e);
    }
  }
}

/** The switch that puts a subject on (or takes it off) the caller's watchlist; null for a
role without watchlists. */
export async function watchButton(node: NodeRef, onError: (e: unknown) => void): Promise<HTMLElement | null> {
  const button = h("button", { id: "watch-toggle", class: "watch" });
  let watched = false;
  const show = () => {
    button.textContent = watched ? t("watching") : t("watch");
    button.classList.toggle("on", watched);
  };
  try {
    const answer = await gqlIfAllowed<{ watchlist: { entityId: string }[] }>(WATCHLIST, {});
    if (answer === null) return null;
    watched = answer.watchlist.some((entry) => entry.entityId === node.id);
  } catch (e) {
    onError(e);
  }
  show();
  button.addEventListener("click", async () => {
    try {
      if (watched) await gql(UNWATCH, { id: node.id });
      else await gql(WATCH, { id: node.id, hops: 1 });
      watched = !watched;
      show();
    } catch (e) {
      onError(e);
    }
  });
  return button;
}
