/*
 * Tierlight: the interactive supplier network (suppliers/templates/suppliers/network.html).
 *
 * Reads its settings from the data-* attributes of #network, fetches the network JSON
 * ({nodes: [{id, external_id, name, country, kind, tier, risk}],
 *   edges: [{id, source, target, kind, product}]}, target null = our company) and draws it with
 * the vendored Cytoscape.js. Positions are computed here ("preset" layout): our company on the
 * left, one column per tier, suppliers not connected to the company in a last column. Large tiers
 * wrap into several sub-columns, and each tier is ordered by where its customers sit, so edges run
 * mostly horizontally.
 *
 * Rules for this file: plain ES2017+, no build step, no eval, no innerHTML: every piece of text
 * from the data is put in the page with textContent (the page's CSP is script-src 'self';
 * style-src 'self'). Colours live in network.css as custom properties and are read from there.
 */
(function () {
  "use strict";

  const container = document.getElementById("network");
  if (!container) {
    return;
  }

  // ---- vocabularies (mirror suppliers/kinds.py) ---------------------------------------------
  const KINDS = [
    "manufacturer", "processor", "raw_material", "farm", "mine",
    "recruitment_agency", "labour_provider", "logistics", "trader", "other",
  ];
  const LABOUR_KINDS = new Set(["recruitment_agency", "labour_provider"]);
  const EDGE_KINDS = new Set(["goods", "labour", "services"]);
  const RISK_BANDS = ["low", "medium", "high", "critical"];
  const TIER_COLOURS = 6; // tiers beyond this share the last colour
  const COMPANY_ID = "company";
  const LABEL_MAX = 20; // about the gap between two sub-columns at 10px

  // ---- geometry of the preset layout ------------------------------------------------------
  const COLUMN_GAP = 260; // between the last sub-column of one tier and the next tier
  const SUB_GAP = 135; // between sub-columns of one tier
  const ROW_GAP = 46; // between rows
  const HEADER_GAP = 80; // column headers above the tallest column

  // ---- settings from the page -----------------------------------------------------------------
  const data = container.dataset;
  const cfg = {
    url: data.url || "",
    supplierUrl: data.supplierUrl || "",
    company: data.company || "Our company",
    maxNodes: parseInt(data.maxNodes, 10) || 1500,
    total: parseInt(data.total, 10),
    focusId: data.focusId || "",
    listUrl: data.listUrl || "",
  };

  const $ = (id) => document.getElementById(id);
  const ui = {
    status: $("network-status"),
    statusText: $("network-status-text"),
    summary: $("network-summary"),
    colour: $("network-colour"),
    searchForm: $("network-search"),
    find: $("network-find"),
    results: $("network-results"),
    detailsEmpty: $("network-details-empty"),
    detailsBody: $("network-details-body"),
    detailsName: $("network-details-name"),
    detailsFacts: $("network-details-facts"),
    open: $("network-open"),
    focus: $("network-focus"),
    legend: $("network-legend-nodes"),
    legendTitle: $("network-legend-title"),
    zoomIn: $("network-zoom-in"),
    zoomOut: $("network-zoom-out"),
    fit: $("network-fit"),
    clear: $("network-clear"),
  };

  const numberFormat = new Intl.NumberFormat("en-GB");
  const fmt = (n) => numberFormat.format(n);
  let regionNames = null;
  try {
    regionNames = new Intl.DisplayNames(["en"], { type: "region" });
  } catch (err) {
    regionNames = null;
  }

  // ---- small helpers ------------------------------------------------------------------------
  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== undefined && text !== null) {
      node.textContent = String(text);
    }
    return node;
  }

  function truncate(value, max) {
    const s = String(value == null ? "" : value).trim();
    return s.length > max ? s.slice(0, max - 1).trimEnd() + "…" : s;
  }

  function kindLabel(kind) {
    const s = String(kind || "other").replace(/_/g, " ");
    return s.charAt(0).toUpperCase() + s.slice(1);
  }

  function countryLabel(code) {
    if (!code) {
      return "—";
    }
    const c = String(code).trim();
    if (regionNames && /^[A-Za-z]{2}$/.test(c)) {
      try {
        const name = regionNames.of(c.toUpperCase());
        if (name && name.toUpperCase() !== c.toUpperCase()) {
          return `${name} (${c.toUpperCase()})`;
        }
      } catch (err) {
        // an unknown code: show it as it is
      }
    }
    return c;
  }

  function supplierHref(id) {
    // supplier_url is a pattern such as "/suppliers/0": the trailing 0 becomes the id.
    if (!/0\/?$/.test(cfg.supplierUrl)) {
      return null;
    }
    return cfg.supplierUrl.replace(/0(\/?)$/, encodeURIComponent(String(id)) + "$1");
  }

  function focusHref(id) {
    const url = new URL(window.location.href);
    url.searchParams.set("focus", String(id));
    url.hash = "";
    return url.pathname + url.search;
  }

  // Colours come from network.css (custom properties on .network-page), with fallbacks.
  const css = window.getComputedStyle(container);
  function cssColour(name, fallback) {
    const v = css.getPropertyValue(name).trim();
    return v || fallback;
  }
  const FALLBACK_KIND = {
    manufacturer: "#2b6cb0", processor: "#0e9384", raw_material: "#a15c07", farm: "#4c9a2a",
    mine: "#667085", recruitment_agency: "#c11574", labour_provider: "#7a2e9f",
    logistics: "#dd6b20", trader: "#d4a72c", other: "#98a2b3",
  };
  const FALLBACK_TIER = ["#440154", "#414487", "#2a788e", "#22a884", "#7ad151", "#fde725"];
  const FALLBACK_RISK = { low: "#2e7d4f", medium: "#d4a72c", high: "#dd6b20", critical: "#b42318" };
  const palette = {
    kind: Object.fromEntries(KINDS.map((k) => [k, cssColour(`--kind-${k}`, FALLBACK_KIND[k])])),
    tier: FALLBACK_TIER.map((c, i) => cssColour(`--tier-${i + 1}`, c)),
    tierNone: cssColour("--tier-none", "#c5cfd9"),
    risk: Object.fromEntries(RISK_BANDS.map((b) => [b, cssColour(`--risk-${b}`, FALLBACK_RISK[b])])),
    riskNone: cssColour("--risk-none", "#c5cfd9"),
    company: cssColour("--company", "#1f4e5f"),
    goods: cssColour("--edge-goods", "#8a97a8"),
    services: cssColour("--edge-services", "#6941c6"),
    labour: cssColour("--edge-labour", "#c11574"),
    ink: cssColour("--ink", "#1d2733"),
    muted: cssColour("--muted", "#5d6b7a"),
    highlight: cssColour("--highlight", "#f6c453"),
  };

  function riskBand(risk) {
    if (risk && typeof risk === "object" && RISK_BANDS.includes(risk.band)) {
      return risk.band;
    }
    return null;
  }

  function colourFor(d, mode) {
    if (mode === "tier") {
      return d.tier == null ? palette.tierNone : palette.tier[Math.min(d.tier, TIER_COLOURS) - 1];
    }
    if (mode === "risk") {
      const band = riskBand(d.risk);
      return band ? palette.risk[band] : palette.riskNone;
    }
    return palette.kind[d.kind] || palette.kind.other;
  }

  // ---- status overlay -------------------------------------------------------------------------
  function setStatus(state, text, extra) {
    ui.status.hidden = false;
    ui.status.className = `network-status is-${state}`;
    ui.statusText.textContent = text;
    for (const old of ui.status.querySelectorAll(".network-status-extra")) {
      old.remove();
    }
    if (extra) {
      extra.classList.add("network-status-extra");
      ui.status.appendChild(extra);
    }
  }

  function hideStatus() {
    ui.status.hidden = true;
  }

  function listLink() {
    const p = el("p");
    if (cfg.listUrl) {
      const a = el("a", null, "Open the supplier list instead");
      a.href = cfg.listUrl;
      p.appendChild(a);
    }
    return p;
  }

  // ---- data -> elements -----------------------------------------------------------------------
  function normalise(raw) {
    const nodes = [];
    const byId = new Map();
    for (const n of raw.nodes) {
      if (!n || n.id === null || n.id === undefined) {
        continue;
      }
      const id = `s${n.id}`;
      if (byId.has(id)) {
        continue;
      }
      const tier = Number.isInteger(n.tier) && n.tier > 0 ? n.tier : null;
      const kind = KINDS.includes(n.kind) ? n.kind : "other";
      const name = n.name == null || String(n.name).trim() === "" ? `Supplier ${n.id}` : String(n.name);
      const d = {
        id,
        sid: n.id,
        name,
        label: truncate(name, LABEL_MAX),
        externalId: n.external_id == null ? "" : String(n.external_id),
        country: n.country == null ? "" : String(n.country),
        kind,
        tier,
        risk: n.risk && typeof n.risk === "object" ? n.risk : null,
      };
      d.search = `${name.toLowerCase()}\u0000${d.externalId.toLowerCase()}`;
      nodes.push(d);
      byId.set(id, d);
    }
    const edges = [];
    const seen = new Set();
    raw.edges.forEach((e, i) => {
      if (!e) {
        return;
      }
      const source = `s${e.source}`;
      const target = e.target === null || e.target === undefined ? COMPANY_ID : `s${e.target}`;
      if (!byId.has(source) || (target !== COMPANY_ID && !byId.has(target))) {
        return; // an end outside the drawn set
      }
      let id = e.id === null || e.id === undefined ? `e-${i}` : `e${e.id}`;
      if (seen.has(id)) {
        id = `${id}-${i}`;
      }
      seen.add(id);
      edges.push({
        id,
        source,
        target,
        kind: EDGE_KINDS.has(e.kind) ? e.kind : "goods",
        product: e.product == null ? "" : String(e.product),
      });
    });
    return { nodes, edges, byId };
  }

  // How many rows a column may have before a tier wraps into sub-columns: the one whose
  // drawing is closest to the shape (width / height) of the canvas, so "fit" fills it.
  function chooseRows(counts, aspect) {
    const largest = Math.max(1, ...counts);
    let best = largest;
    let bestScore = Infinity;
    for (let rows = Math.min(8, largest); rows <= largest; rows += 1) {
      let width = COLUMN_GAP * counts.length + 140;
      let tallest = 1;
      for (const count of counts) {
        const cols = Math.ceil(count / rows);
        width += (cols - 1) * SUB_GAP;
        tallest = Math.max(tallest, Math.ceil(count / cols));
      }
      const height = (tallest - 1) * ROW_GAP + HEADER_GAP + 60;
      const score = Math.abs(Math.log(width / height / aspect));
      if (score < bestScore - 1e-9) {
        bestScore = score;
        best = rows;
      }
    }
    return best;
  }

  function layout(nodes, edges, aspect) {
    // customers[id] = the ids this supplier sells to
    const customers = new Map();
    for (const e of edges) {
      if (!customers.has(e.source)) {
        customers.set(e.source, []);
      }
      customers.get(e.source).push(e.target);
    }
    const groups = new Map();
    for (const d of nodes) {
      const key = d.tier == null ? "none" : d.tier;
      if (!groups.has(key)) {
        groups.set(key, []);
      }
      groups.get(key).push(d);
    }
    const order = [...groups.keys()].filter((k) => k !== "none").sort((a, b) => a - b);
    if (groups.has("none")) {
      order.push("none");
    }

    const positions = new Map([[COMPANY_ID, { x: 0, y: 0 }]]);
    const rank = new Map([[COMPANY_ID, 0.5]]); // vertical place in [0, 1]
    const columns = [{ label: "Your company", x: 0, top: -23 }];
    const rowsTarget = chooseRows(order.map((k) => groups.get(k).length), aspect);
    const kindIndex = (k) => KINDS.indexOf(k);
    let x = COLUMN_GAP;

    for (const key of order) {
      const list = groups.get(key);
      for (const d of list) {
        let sum = 0;
        let count = 0;
        for (const c of customers.get(d.id) || []) {
          if (rank.has(c)) {
            sum += rank.get(c);
            count += 1;
          }
        }
        d.bary = count ? sum / count : 2;
      }
      list.sort((a, b) => (a.bary - b.bary) || (kindIndex(a.kind) - kindIndex(b.kind))
        || a.name.localeCompare(b.name));
      if (key === "none") {
        x += COLUMN_GAP * 0.4; // set the unconnected apart
      }
      const cols = Math.max(1, Math.ceil(list.length / rowsTarget));
      const rows = Math.ceil(list.length / cols);
      const top = -((rows - 1) * ROW_GAP) / 2;
      list.forEach((d, i) => {
        const r = Math.floor(i / cols);
        const c = i % cols;
        positions.set(d.id, { x: x + c * SUB_GAP, y: top + r * ROW_GAP });
        rank.set(d.id, rows > 1 ? r / (rows - 1) : 0.5);
      });
      columns.push({
        label: key === "none" ? "Not connected" : `Tier ${key}`,
        x: x + ((cols - 1) * SUB_GAP) / 2,
        top,
        count: list.length,
      });
      x += (cols - 1) * SUB_GAP + COLUMN_GAP;
    }
    const headerY = Math.min(...columns.map((c) => c.top)) - HEADER_GAP;
    return { positions, columns, headerY };
  }

  function elementsFor(model, mode) {
    const w = container.clientWidth;
    const h = container.clientHeight;
    const aspect = w > 0 && h > 0 ? w / h : 1.6;
    const { positions, columns, headerY } = layout(model.nodes, model.edges, aspect);
    const els = [];
    els.push({
      group: "nodes",
      data: { id: COMPANY_ID, name: cfg.company, label: truncate(cfg.company, 30), tier: 0 },
      classes: "company",
      position: positions.get(COMPANY_ID),
    });
    for (const d of model.nodes) {
      const classes = ["supplier"];
      if (LABOUR_KINDS.has(d.kind)) {
        classes.push("labour");
      }
      if (d.tier == null) {
        classes.push("unconnected");
      }
      els.push({
        group: "nodes",
        data: Object.assign({}, d, { color: colourFor(d, mode) }),
        classes: classes.join(" "),
        position: positions.get(d.id),
      });
    }
    columns.forEach((c, i) => {
      const label = c.count === undefined ? c.label
        : `${c.label}\n${fmt(c.count)} supplier${c.count === 1 ? "" : "s"}`;
      els.push({
        group: "nodes",
        data: { id: `column-${i}`, label, size: 18 },
        classes: "column-label",
        position: { x: c.x, y: headerY },
        selectable: false,
        grabbable: false,
      });
    });
    for (const e of model.edges) {
      // Two ends in one column would draw over the nodes between them: bend such edges.
      const a = positions.get(e.source);
      const b = positions.get(e.target);
      const bend = a && b && Math.abs(a.x - b.x) < 1 ? " bend" : "";
      els.push({ group: "edges", data: e, classes: e.kind + bend });
    }
    return els;
  }

  function styleFor(big) {
    return [
      {
        selector: "node",
        style: {
          "background-color": palette.kind.other,
          width: 18,
          height: 18,
          "border-width": 1,
          "border-color": "#ffffff",
          label: "data(label)",
          "font-size": 10,
          "font-family": "system-ui, -apple-system, Segoe UI, Roboto, Arial, sans-serif",
          color: palette.ink,
          "text-valign": "bottom",
          "text-halign": "center",
          "text-margin-y": 3,
          "text-max-width": 120,
          "text-wrap": "none",
          "text-background-color": "#ffffff",
          "text-background-opacity": big ? 0 : 0.75,
          "text-background-padding": 1,
          "min-zoomed-font-size": 7,
        },
      },
      { selector: "node[color]", style: { "background-color": "data(color)" } },
      { selector: "node.labour", style: { shape: "diamond", width: 24, height: 24 } },
      {
        selector: "node.unconnected",
        style: { "border-style": "dashed", "border-color": palette.muted, "border-width": 1.5 },
      },
      {
        selector: "node.company",
        style: {
          shape: "round-rectangle",
          width: 160,
          height: 46,
          "background-color": palette.company,
          "border-width": 3,
          "border-color": palette.highlight,
          color: "#ffffff",
          "font-size": 13,
          "font-weight": 700,
          "text-valign": "center",
          "text-margin-y": 0,
          "text-max-width": 148,
          "text-background-opacity": 0,
          "min-zoomed-font-size": 0,
        },
      },
      {
        selector: "node.column-label",
        style: {
          shape: "rectangle",
          width: 1,
          height: 1,
          "background-opacity": 0,
          "border-width": 0,
          "font-size": "data(size)",
          "font-weight": 700,
          color: palette.muted,
          "text-valign": "center",
          "text-margin-y": 0,
          "text-max-width": 1000,
          "text-wrap": "wrap",
          "line-height": 1.3,
          "text-background-opacity": 0,
          "min-zoomed-font-size": 0,
          events: "no",
        },
      },
      {
        selector: "edge",
        style: {
          width: 1.2,
          "line-color": palette.goods,
          "target-arrow-color": palette.goods,
          "target-arrow-shape": "triangle",
          "arrow-scale": 0.8,
          "curve-style": big ? "straight" : "bezier",
          opacity: 0.7,
        },
      },
      {
        selector: "edge.services",
        style: {
          "line-style": "dotted",
          width: 1.8,
          "line-color": palette.services,
          "target-arrow-color": palette.services,
        },
      },
      {
        selector: "edge.labour",
        style: {
          "line-style": "dashed",
          "line-dash-pattern": [7, 4],
          width: 2,
          "line-color": palette.labour,
          "target-arrow-color": palette.labour,
          opacity: 0.9,
        },
      },
      {
        selector: "edge.bend",
        style: { "curve-style": "unbundled-bezier", "control-point-distances": 45, "control-point-weights": 0.5 },
      },
      { selector: "node.faded", style: { opacity: 0.15, "text-opacity": 0 } },
      { selector: "edge.faded", style: { opacity: 0.05 } },
      { selector: "edge.downstream", style: { width: 3, opacity: 1, "z-index": 20 } },
      { selector: "edge.upstream", style: { opacity: 0.95, "z-index": 10 } },
      {
        selector: "node:selected",
        style: {
          "border-width": 4,
          "border-color": palette.highlight,
          "text-background-opacity": 1,
          "font-weight": 700,
          "z-index": 30,
          "min-zoomed-font-size": 0,
        },
      },
      {
        selector: "node.company:selected",
        style: { "border-color": palette.highlight, "border-width": 5, "text-background-opacity": 0 },
      },
      {
        selector: "node.match",
        style: { "overlay-color": palette.highlight, "overlay-opacity": 0.45, "overlay-padding": 8 },
      },
    ];
  }

  // ---- the diagram ----------------------------------------------------------------------------
  let cy = null;
  let model = null;
  let matchTimer = null;

  function draw(raw) {
    model = normalise(raw);
    updateRiskOption(); // before reading the mode: a restored "risk" may not apply
    const mode = ui.colour.value || "kind";
    const big = model.nodes.length + model.edges.length > 1200;
    /* global cytoscape */
    cy = cytoscape({
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
    });
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

  function updateRiskOption() {
    const option = ui.colour.querySelector('option[value="risk"]');
    if (!option) {
      return;
    }
    const scored = model.nodes.some((d) => riskBand(d.risk));
    option.disabled = !scored;
    option.textContent = scored ? "Risk" : "Risk (not scored yet)";
    if (!scored && ui.colour.value === "risk") {
      ui.colour.value = "kind";
    }
  }

  function legendItem(swatchClasses, text, count) {
    const li = el("li");
    const sw = el("span", `swatch ${swatchClasses}`);
    sw.setAttribute("aria-hidden", "true");
    li.appendChild(sw);
    li.appendChild(document.createTextNode(text));
    if (count !== undefined) {
      li.appendChild(el("span", "legend-count", fmt(count)));
    }
    return li;
  }

  function renderLegend(mode) {
    const items = [legendItem("company", `${cfg.company} (your company)`)];
    const counts = new Map();
    const bump = (k) => counts.set(k, (counts.get(k) || 0) + 1);
    if (mode === "tier") {
      ui.legendTitle.textContent = "Suppliers by tier";
      for (const d of model.nodes) {
        bump(d.tier == null ? "none" : Math.min(d.tier, TIER_COLOURS));
      }
      for (let t = 1; t <= TIER_COLOURS; t += 1) {
        if (counts.has(t)) {
          const label = t === TIER_COLOURS ? `Tier ${t} and beyond` : `Tier ${t}`;
          items.push(legendItem(`tier-${t}`, label, counts.get(t)));
        }
      }
      if (counts.has("none")) {
        items.push(legendItem("tier-none", "Not connected", counts.get("none")));
      }
    } else if (mode === "risk") {
      ui.legendTitle.textContent = "Suppliers by risk";
      for (const d of model.nodes) {
        bump(riskBand(d.risk) || "none");
      }
      for (const band of RISK_BANDS) {
        items.push(legendItem(`risk-${band}`, kindLabel(band), counts.get(band) || 0));
      }
      if (counts.has("none")) {
        items.push(legendItem("risk-none", "Not scored", counts.get("none")));
      }
    } else {
      ui.legendTitle.textContent = "Suppliers by kind";
      for (const d of model.nodes) {
        bump(d.kind);
      }
      for (const k of KINDS) {
        if (counts.has(k)) {
          const shape = LABOUR_KINDS.has(k) ? " shape-diamond" : "";
          items.push(legendItem(`kind-${k}${shape}`, kindLabel(k), counts.get(k)));
        }
      }
    }
    ui.legend.replaceChildren(...items);
  }

  function applyColours(mode) {
    if (!cy) {
      return;
    }
    cy.batch(() => {
      cy.nodes(".supplier").forEach((n) => {
        n.data("color", colourFor(n.data(), mode));
      });
    });
    renderLegend(mode);
  }

  function clearHighlight() {
    if (!cy) {
      return;
    }
    cy.batch(() => {
      cy.elements().removeClass("faded upstream downstream");
    });
  }

  function highlight(node) {
    clearHighlight();
    if (node.hasClass("company")) {
      return; // everything is upstream of the company
    }
    const upstream = node.predecessors(); // suppliers of this supplier, and theirs
    const downstream = node.successors(); // the paths from it to our company
    const keep = node.union(upstream).union(downstream);
    cy.batch(() => {
      cy.elements().not(keep).not(".column-label").addClass("faded");
      upstream.edges().addClass("upstream");
      downstream.edges().addClass("downstream");
    });
  }

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
      fact("Drawn", `${fmt(model.nodes.length)} suppliers`);
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
      const score = d.risk.score == null ? "" : ` (${d.risk.score})`;
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

  function openSupplier(node) {
    if (!node || !node.hasClass("supplier")) {
      return;
    }
    const href = supplierHref(node.data("sid"));
    if (href) {
      window.location.assign(href);
    }
  }

  function centreOn(node) {
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
    cy.nodes(":selected").not(node).unselect();
    if (!node.selected()) {
      node.select();
    }
    if (centre) {
      centreOn(node);
    }
  }

  function bindDiagram() {
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
  function findMatches(query) {
    const q = query.trim().toLowerCase();
    if (!q || !model) {
      return [];
    }
    const scored = [];
    for (const d of model.nodes) {
      const ext = d.externalId.toLowerCase();
      const name = d.name.toLowerCase();
      let score = -1;
      if (ext && ext === q) {
        score = 0;
      } else if (name === q) {
        score = 1;
      } else if (name.startsWith(q)) {
        score = 2;
      } else if (ext && ext.startsWith(q)) {
        score = 3;
      } else if (d.search.includes(q)) {
        score = 4;
      }
      if (score >= 0) {
        scored.push([score, d]);
      }
    }
    scored.sort((a, b) => (a[0] - b[0]) || a[1].name.localeCompare(b[1].name));
    return scored.map((pair) => pair[1]);
  }

  function renderResults(query) {
    const matches = findMatches(query);
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
        selectNode(cy.getElementById(d.id), true);
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
      if (cy && matches.length) {
        selectNode(cy.getElementById(matches[0].id), true);
      }
    });
    ui.colour.addEventListener("change", () => applyColours(ui.colour.value));
    const zoomBy = (factor) => {
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
      if (cy) {
        cy.stop();
        cy.animate({ fit: { eles: cy.elements(), padding: 30 } }, { duration: 300 });
      }
    });
    ui.clear.addEventListener("click", () => {
      if (cy) {
        cy.nodes(":selected").unselect();
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
