/** Search as you type: name fragment, USCC or person id; used for the subject and path ends. */

import { gql, SEARCH, type NodeRef, type SearchHit } from "./api";
import { clear, debounce, h } from "./dom";
import { label } from "./i18n";
import { times } from "./state";

export interface SearchBox {
  root: HTMLElement;
  input: HTMLInputElement;
  setPlaceholder(text: string): void;
}

export function searchBox(id: string, onPick: (node: NodeRef) => void, onError: (e: unknown) => void): SearchBox {
  const input = h("input", { id, type: "search", autocomplete: "off", spellcheck: "false" });
  const list = h("ul", { class: "search-results", id: `${id}-results`, role: "listbox", hidden: true });
  const root = h("div", { class: "search" }, input, list);
  let hits: SearchHit[] = [];
  let active = -1;
  let asked = 0;

  function render(): void {
    clear(list);
    hits.forEach((hit, i) => {
      const item = h(
        "li",
        { class: i === active ? "active" : "", role: "option", "data-id": hit.id },
        h("span", { class: `kind kind-${hit.kind.toLowerCase()}` }, label(hit.kind)),
        h("span", { class: "hit-name" }, hit.name),
        h("span", { class: "hit-id" }, hit.id),
      );
      item.addEventListener("mousedown", (event) => {
        event.preventDefault();
        pick(hit);
      });
      list.append(item);
    });
    list.hidden = hits.length === 0;
  }

  function pick(hit: SearchHit): void {
    hits = [];
    render();
    input.value = hit.name;
    onPick({ id: hit.id, name: hit.name, kind: hit.kind });
  }

  const run = debounce(async (text: string) => {
    const ticket = ++asked;
    if (!text.trim()) {
      hits = [];
      render();
      return;
    }
    try {
      const found = await gql<{ search: SearchHit[] }>(SEARCH, { text, first: 12, k: times().k });
      if (ticket !== asked) return;
      hits = found.search;
      active = hits.length ? 0 : -1;
      render();
    } catch (e) {
      onError(e);
    }
  }, 180);

  input.addEventListener("input", () => run(input.value));
  input.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (!hits.length) return;
      active = (active + (event.key === "ArrowDown" ? 1 : hits.length - 1)) % hits.length;
      render();
    } else if (event.key === "Enter" && active >= 0 && hits[active]) {
      event.preventDefault();
      pick(hits[active]);
    } else if (event.key === "Escape") {
      hits = [];
      render();
    }
  });
  input.addEventListener("blur", () => {
    list.hidden = true;
  });
  input.addEventListener("focus", () => {
    list.hidden = hits.length === 0;
  });

  return {
    root,
    input,
    setPlaceholder(text: string) {
      input.placeholder = text;
    },
  };
}
