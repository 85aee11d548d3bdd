// reformkg explorer: marks a link's sentence, and runs the query page.
"use strict";

function mentionSpans(token) {
  return [...document.querySelectorAll(".ev")].filter(
    (span) => span.dataset.m.split(" ").includes(token));
}

// Marks the sentence of one mention and the link that names it.
function mark(token, scroll) {
  document.querySelectorAll(".ev.marked").forEach((e) => e.classList.remove("marked"));
  document.querySelectorAll("a.link.active").forEach((e) => e.classList.remove("active"));
  const spans = mentionSpans(token);
  spans.forEach((span) => span.classList.add("marked"));
  document.querySelectorAll(`a.link[data-target="${CSS.escape(token)}"]`)
    .forEach((a) => a.classList.add("active"));
  if (scroll && spans.length) spans[0].scrollIntoView({ block: "center" });
}

function markFromHash() {
  const match = /^#mention=(.+)$/.exec(location.hash);
  if (match) mark(match[1], true);
}

document.addEventListener("click", (event) => {
  const link = event.target.closest("a.link[data-target]");
  if (link) {
    event.preventDefault();
    history.replaceState(null, "", `#mention=${link.dataset.target}`);
    mark(link.dataset.target, true);
    return;
  }
  const span = event.target.closest(".ev");
  if (span) {
    const token = span.dataset.m.split(" ")[0];
    mark(token, false);
    const first = document.querySelector(`a.link[data-target="${CSS.escape(token)}"]`);
    if (first) first.scrollIntoView({ block: "nearest" });
  }
});

window.addEventListener("hashchange", markFromHash);
document.addEventListener("DOMContentLoaded", () => {
  markFromHash();
  setupQueryPage();
});

// The query page: POSTs the text to /sparql and shows the answer.
function setupQueryPage() {
  const form = document.getElementById("query-form");
  if (!form) return;
  const textarea = document.getElementById("query");
  const status = document.getElementById("status");
  const results = document.getElementById("results");
  document.querySelectorAll("button.example").forEach((button) =>
    button.addEventListener("click", () => { textarea.value = button.dataset.query; }));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    status.textContent = "…";
    status.className = "";
    results.replaceChildren();
    const started = performance.now();
    try {
      const response = await fetch("/sparql", {
        method: "POST",
        headers: {
          "Content-Type": "application/x-www-form-urlencoded",
          "Accept": "application/sparql-results+json, text/turtle;q=0.9",
        },
        body: new URLSearchParams({ query: textarea.value }),
      });
      const text = await response.text();
      const ms = Math.round(performance.now() - started);
      if (!response.ok) {
        status.textContent = `${response.status}: ${text}`;
        status.className = "error";
        return;
      }
      if ((response.headers.get("Content-Type") || "").includes("json")) {
        const answer = JSON.parse(text);
        if ("boolean" in answer) {
          results.textContent = String(answer.boolean);
          status.textContent = `${ms} ms`;
        } else {
          results.append(table(answer));
          status.textContent = `${answer.results.bindings.length} rows, ${ms} ms`;
        }
      } else {
        const pre = document.createElement("pre");
        pre.textContent = text;
        results.append(pre);
        status.textContent = `${ms} ms`;
      }
    } catch (error) {
      status.textContent = String(error);
      status.className = "error";
    }
  });
}

function table(answer) {
  const vars = answer.head.vars;
  const t = document.createElement("table");
  const head = t.createTHead().insertRow();
  vars.forEach((v) => { const th = document.createElement("th"); th.textContent = v; head.append(th); });
  const body = t.createTBody();
  answer.results.bindings.forEach((binding) => {
    const row = body.insertRow();
    vars.forEach((v) => {
      const cell = row.insertCell();
      const term = binding[v];
      if (!term) return;
      if (term.type === "uri") {
        const a = document.createElement("a");
        a.href = explorerPath(term.value) || term.value;
        a.textContent = term.value;
        cell.append(a);
      } else {
        cell.textContent = term.value;
      }
    });
  });
  return t;
}

// The explorer page of a reformkg IRI (kept in step with explorer::page_path).
function explorerPath(iri) {
  const id = "https://w3id.org/reformkg/id/";
  if (!iri.startsWith(id)) return null;
  const [kind, ...rest] = iri.slice(id.length).split("/");
  const kinds = ["collection", "case", "mechanism", "agency", "agency-type", "district", "place", "document"];
  if (!kinds.includes(kind) || rest.length === 0) return null;
  return `/${kind}/${encodeURIComponent(rest.join("/"))}`;
}
