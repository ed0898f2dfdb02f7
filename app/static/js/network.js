/*
 * Tierlight: the interactive supplier network (suppliers/templates/suppliers/network.html).
 *
 * The entry point, loaded last (see network-base.js for how the files fit together). Fetches the
 * network JSON named by #network's data-url
 * ({nodes: [{id, external_id, name, country, kind, tier, risk}],
 *   edges: [{id, source, target, kind, product}]}, target null = our company), shows the loading,
 * error, too-many and empty states, draws it with the vendored Cytoscape.js, and runs the side
 * panel, the search, the diagram controls, selection and navigation to a supplier.
 */
(function () {
  "use strict";

  const N = window.TierlightNetwork;
  if (!N || !N.container) {
    return;
  }
  const { container, LABOUR_KINDS, COLUMN_GAP, cfg, ui, state } = N;
  const { el, fmt, truncate, kindLabel, countryLabel, supplierHref, focusHref } = N;
  const { setStatus, hideStatus, listLink } = N;
  const { riskBand, styleFor, clearHighlight, highlight, updateRiskOption, renderLegend, applyColours } = N;
  const { normalise, findMatches, elementsFor } = N;

  // ---- the diagram ----------------------------------------------------------------------------
  let matchTimer = null;

  function draw(raw) {
    const model = (state.model = normalise(raw));
    updateRiskOption(); // before reading the mode: a restored "risk" may not apply
    const mode = ui.colour.value || "kind";
    const big = model.nodes.length + model.edges.length > 1200;
    /* global cytoscape */
    const cy = (state.cy = cytoscape({
      container,
      elements: elementsFor(model, mode),
      style: styleFor(big),
      layout: { name: "preset", fit: true, padding: 30 },
      minZoom: 0.02,
      maxZoom: 4,
      autoungrabify: true,
      boxSelectionEnabled: false,
      selectionType: "single",
      motionBlur: false,
      textureOnViewport: big,
      hideEdgesOnViewport: big,
      pixelRatio: big ? 1 : "auto",
    }));
    // Column headers: readable (about 14px) at the zoom that fits the whole network, but never
    // wider than the gap between two tiers (about 14 characters on a line).
    const size = Math.min((COLUMN_GAP * 0.85) / (0.62 * 14), Math.max(14, 14 / cy.zoom()));
    cy.nodes(".column-label").data("size", size);
    hideStatus();
    updateSummary();
    renderLegend(mode);
    bindDiagram();
    if (cfg.focusId) {
      const node = cy.getElementById(`s${cfg.focusId}`);
      if (node.nonempty()) {
        node.select();
      }
    }
  }

  function updateSummary() {
    const model = state.model;
    const labour = model.edges.filter((e) => e.kind === "labour").length;
    let text = `${fmt(model.nodes.length)} supplier${model.nodes.length === 1 ? "" : "s"}`;
    if (Number.isFinite(cfg.total) && cfg.total > model.nodes.length) {
      text += ` of ${fmt(cfg.total)}`;
    }
    text += ` · ${fmt(model.edges.length)} relationship${model.edges.length === 1 ? "" : "s"}`;
    if (labour) {
      text += ` (${fmt(labour)} labour)`;
    }
    ui.summary.textContent = text;
  }

  // ---- the side panel: the selected supplier ------------------------------------------------
  function fact(term, value) {
    ui.detailsFacts.appendChild(el("dt", null, term));
    const dd = el("dd", null, value);
    ui.detailsFacts.appendChild(dd);
    return dd;
  }

  function showDetails(node) {
    ui.detailsFacts.replaceChildren();
    if (!node) {
      ui.detailsBody.hidden = true;
      ui.detailsEmpty.hidden = false;
      return;
    }
    const d = node.data();
    ui.detailsEmpty.hidden = true;
    ui.detailsBody.hidden = false;
    ui.detailsName.textContent = d.name;
    const suppliers = node.incomers("node").length;
    if (node.hasClass("company")) {
      fact("Role", "Your company (the buyer)");
      fact("Direct suppliers", fmt(suppliers));
      fact("Drawn", `${fmt(state.model.nodes.length)} suppliers`);
      ui.open.hidden = true;
      ui.focus.hidden = true;
      return;
    }
    const kindDd = fact("Kind", kindLabel(d.kind));
    if (LABOUR_KINDS.has(d.kind)) {
      kindDd.appendChild(document.createTextNode(" "));
      kindDd.appendChild(el("span", "badge labour", "labour supply"));
    }
    fact("Country", countryLabel(d.country));
    fact("Tier", d.tier == null ? "Not connected to your company" : `Tier ${d.tier}`);
    fact("External ID", d.externalId || "—");
    const band = riskBand(d.risk);
    if (band) {
      const score = typeof d.risk.score === "number" ? ` (${d.risk.score.toFixed(1)})` : "";
      fact("Risk", `${kindLabel(band)}${score}`);
    }
    const customers = node.outgoers("node").length;
    fact("Sells to", `${fmt(customers)} customer${customers === 1 ? "" : "s"} drawn`);
    const upstream = node.predecessors("node").length;
    fact("Upstream", `${fmt(suppliers)} direct, ${fmt(upstream)} in all`);
    const labourIn = node.incomers("edge.labour").length;
    if (labourIn) {
      fact("Labour from", `${fmt(labourIn)} labour supplier${labourIn === 1 ? "" : "s"}`);
    }
    const products = [...new Set(node.connectedEdges().map((e) => e.data("product")).filter(Boolean))];
    if (products.length) {
      fact("Products", truncate(products.slice(0, 6).join(", "), 140));
    }
    const href = supplierHref(d.sid);
    ui.open.hidden = !href;
    if (href) {
      ui.open.href = href;
    }
    ui.focus.hidden = false;
    ui.focus.href = focusHref(d.sid);
    if (String(d.sid) === cfg.focusId) {
      ui.focus.hidden = true; // already focused on it
    }
  }

  // ---- selection and navigation ---------------------------------------------------------------
  let opening = false; // a double-click on the selected supplier asks twice: navigate once
  function openSupplier(node) {
    if (opening || !node || !node.hasClass("supplier")) {
      return;
    }
    const href = supplierHref(node.data("sid"));
    if (href) {
      opening = true;
      window.location.assign(href);
    }
  }
  window.addEventListener("pageshow", () => {
    opening = false; // back from the supplier's page (the page may come from the back cache)
  });

  function centreOn(node) {
    const cy = state.cy;
    cy.stop();
    cy.animate(
      { center: { eles: node }, zoom: Math.max(cy.zoom(), 0.9) },
      { duration: 350, easing: "ease-in-out-cubic" },
    );
    cy.nodes(".match").removeClass("match");
    node.addClass("match");
    window.clearTimeout(matchTimer);
    matchTimer = window.setTimeout(() => node.removeClass("match"), 1800);
  }

  function selectNode(node, centre) {
    state.cy.nodes(":selected").not(node).unselect();
    if (!node.selected()) {
      node.select();
    }
    if (centre) {
      centreOn(node);
    }
  }

  function bindDiagram() {
    const cy = state.cy;
    let tapStartedOnSelected = null;
    cy.on("select", "node", (evt) => {
      highlight(evt.target);
      showDetails(evt.target);
    });
    cy.on("unselect", "node", () => {
      if (cy.nodes(":selected").empty()) {
        clearHighlight();
        showDetails(null);
      }
    });
    cy.on("tapstart", "node.supplier", (evt) => {
      tapStartedOnSelected = evt.target.selected() ? evt.target.id() : null;
    });
    cy.on("tap", "node.supplier", (evt) => {
      // A click on the already selected supplier opens it (this also covers double-clicks).
      if (tapStartedOnSelected === evt.target.id()) {
        openSupplier(evt.target);
      }
    });
    cy.on("dbltap", "node.supplier", (evt) => openSupplier(evt.target));

    const tip = el("div", "network-tip");
    tip.hidden = true;
    tip.setAttribute("aria-hidden", "true");
    container.parentNode.appendChild(tip);
    cy.on("mouseover", "node.supplier, node.company", (evt) => {
      const d = evt.target.data();
      const tier = d.tier === 0 ? "your company" : d.tier == null ? "not connected" : `tier ${d.tier}`;
      tip.textContent = `${d.name} · ${tier}`;
      const p = evt.renderedPosition || evt.target.renderedPosition();
      tip.style.transform = `translate(${Math.round(p.x + 14)}px, ${Math.round(p.y + 10)}px)`;
      tip.hidden = false;
      container.classList.add("is-pointing");
    });
    cy.on("mouseout", "node", () => {
      tip.hidden = true;
      container.classList.remove("is-pointing");
    });
    cy.on("viewport", () => {
      tip.hidden = true;
    });
  }

  // ---- search ---------------------------------------------------------------------------------
  function renderResults(query) {
    const matches = findMatches(state.model, query);
    const items = [];
    if (query.trim() && !matches.length) {
      items.push(el("li", "muted", "No supplier in the diagram matches."));
    }
    for (const d of matches.slice(0, 8)) {
      const li = el("li");
      const button = el("button", "network-result");
      button.type = "button";
      button.appendChild(el("span", "network-result-name", d.name));
      const meta = [
        kindLabel(d.kind),
        d.tier == null ? "not connected" : `tier ${d.tier}`,
        d.country,
        d.externalId,
      ].filter(Boolean).join(" · ");
      button.appendChild(el("span", "network-result-meta", meta));
      button.addEventListener("click", () => {
        selectNode(state.cy.getElementById(d.id), true);
      });
      li.appendChild(button);
      items.push(li);
    }
    if (matches.length > 8) {
      items.push(el("li", "muted", `and ${fmt(matches.length - 8)} more: type more of the name.`));
    }
    ui.results.replaceChildren(...items);
    return matches;
  }

  // ---- controls -------------------------------------------------------------------------------
  function bindControls() {
    let searchTimer = null;
    ui.find.addEventListener("input", () => {
      window.clearTimeout(searchTimer);
      searchTimer = window.setTimeout(() => renderResults(ui.find.value), 150);
    });
    ui.searchForm.addEventListener("submit", (evt) => {
      evt.preventDefault();
      window.clearTimeout(searchTimer);
      const matches = renderResults(ui.find.value);
      if (state.cy && matches.length) {
        selectNode(state.cy.getElementById(matches[0].id), true);
      }
    });
    ui.colour.addEventListener("change", () => {
      applyColours(ui.colour.value);
      if (ui.colourKept) {
        ui.colourKept.value = ui.colour.value; // "Show tiers up to" keeps the colouring
      }
    });
    const zoomBy = (factor) => {
      const cy = state.cy;
      if (!cy) {
        return;
      }
      const level = Math.min(cy.maxZoom(), Math.max(cy.minZoom(), cy.zoom() * factor));
      cy.stop();
      cy.animate(
        { zoom: { level, renderedPosition: { x: cy.width() / 2, y: cy.height() / 2 } } },
        { duration: 200 },
      );
    };
    ui.zoomIn.addEventListener("click", () => zoomBy(1.4));
    ui.zoomOut.addEventListener("click", () => zoomBy(1 / 1.4));
    ui.fit.addEventListener("click", () => {
      const cy = state.cy;
      if (cy) {
        cy.stop();
        cy.animate({ fit: { eles: cy.elements(), padding: 30 } }, { duration: 300 });
      }
    });
    ui.clear.addEventListener("click", () => {
      if (state.cy) {
        state.cy.nodes(":selected").unselect();
        clearHighlight();
      }
      showDetails(null);
      ui.find.value = "";
      ui.results.replaceChildren();
    });
  }

  function setControlsEnabled(enabled) {
    for (const control of [ui.find, ui.colour, ui.zoomIn, ui.zoomOut, ui.fit, ui.clear]) {
      control.disabled = !enabled;
    }
    for (const button of ui.searchForm.querySelectorAll("button")) {
      button.disabled = !enabled;
    }
  }

  // ---- loading --------------------------------------------------------------------------------
  async function load() {
    setControlsEnabled(false);
    setStatus("loading", "Loading the network…");
    if (typeof window.cytoscape !== "function") {
      setStatus("error", "The diagram library did not load. Reload the page to try again.", listLink());
      return;
    }
    let raw;
    try {
      const response = await fetch(cfg.url, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
      if (!response.ok) {
        throw new Error(`the server answered ${response.status} ${response.statusText}`.trim());
      }
      const type = response.headers.get("Content-Type") || "";
      if (!type.includes("json")) {
        throw new Error("the answer was not JSON (has your session expired? reload the page)");
      }
      raw = await response.json();
      if (!raw || !Array.isArray(raw.nodes) || !Array.isArray(raw.edges)) {
        throw new Error("the answer had no nodes and edges");
      }
    } catch (err) {
      const retry = el("p");
      const button = el("button", null, "Try again");
      button.type = "button";
      button.addEventListener("click", load);
      retry.appendChild(button);
      const link = listLink().firstChild;
      if (link) {
        retry.appendChild(document.createTextNode(" "));
        retry.appendChild(link);
      }
      setStatus("error", `The network could not be loaded: ${err.message}.`, retry);
      return;
    }
    if (raw.nodes.length > cfg.maxNodes) {
      setStatus(
        "too-many",
        `This view has ${fmt(raw.nodes.length)} suppliers, more than the ${fmt(cfg.maxNodes)} ` +
          "the diagram can draw. Narrow it: choose fewer tiers under “Show tiers up to”, or open " +
          "a supplier from the list and focus on its upstream.",
        listLink(),
      );
      ui.summary.textContent = `${fmt(raw.nodes.length)} suppliers: too many to draw`;
      ui.colour.disabled = true;
      return;
    }
    if (raw.nodes.length === 0) {
      setStatus("empty", "There are no suppliers to draw in this view yet.", listLink());
      ui.summary.textContent = "No suppliers";
      return;
    }
    // Let the browser paint this message before the (for large networks, second-long) draw.
    setStatus("loading", `Drawing ${fmt(raw.nodes.length)} suppliers…`);
    await new Promise((resolve) => window.requestAnimationFrame(() => window.setTimeout(resolve, 0)));
    try {
      draw(raw);
    } catch (err) {
      setStatus("error", `The network could not be drawn: ${err.message}.`, listLink());
      return;
    }
    setControlsEnabled(true);
  }

  bindControls();
  load();
})();
