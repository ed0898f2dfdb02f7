/*
 * Tierlight: the interactive supplier network (suppliers/templates/suppliers/network.html).
 *
 * The page's JavaScript is four classic scripts, loaded in this order after the vendored
 * Cytoscape.js. They share one namespace object, window.TierlightNetwork; each file adds its
 * functions to it and takes from it only what the files before it added:
 *   network-base.js    this file: vocabularies, settings from #network's data-* attributes, the
 *                      page's elements, shared state, text and DOM helpers, the status overlay;
 *   network-style.js   colours (read from network.css), the Cytoscape style, highlighting, legend;
 *   network-layout.js  the JSON -> diagram elements, positioned in tier columns;
 *   network.js         the entry point: loading, drawing, side panel, search and controls.
 *
 * Rules for these files: plain ES2017+, no build step, no ES modules, no eval, no innerHTML: every
 * piece of text from the data is put in the page with textContent (the page's CSP is
 * script-src 'self'; style-src 'self'). Colours live in network.css as custom properties and are
 * read from there.
 */
(function () {
  "use strict";

  const N = (window.TierlightNetwork = window.TierlightNetwork || {});
  const container = document.getElementById("network");
  if (!container) {
    return; // not the network page: the other files do nothing either
  }
  N.container = container;

  // ---- vocabularies (mirror suppliers/kinds.py) ---------------------------------------------
  N.KINDS = [
    "manufacturer", "processor", "raw_material", "farm", "mine",
    "recruitment_agency", "labour_provider", "logistics", "trader", "other",
  ];
  N.LABOUR_KINDS = new Set(["recruitment_agency", "labour_provider"]);
  N.EDGE_KINDS = new Set(["goods", "labour", "services"]);
  N.RISK_BANDS = ["low", "medium", "high", "critical"];
  // The score ranges of the bands (risk/weights.py: BAND_FLOORS), for the legend.
  N.RISK_RANGES = { low: "below 25", medium: "25 to 50", high: "50 to 75", critical: "75 and above" };
  N.TIER_COLOURS = 6; // tiers beyond this share the last colour
  N.COMPANY_ID = "company";
  N.LABEL_MAX = 20; // about the gap between two sub-columns at 10px

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
  N.cfg = cfg;

  const $ = (id) => document.getElementById(id);
  const ui = {
    status: $("network-status"),
    statusText: $("network-status-text"),
    summary: $("network-summary"),
    colour: $("network-colour"),
    colourKept: $("network-colour-kept"),
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
  N.ui = ui;

  // ---- shared state: the Cytoscape instance and the drawn model, set by network.js's draw() ----
  N.state = { cy: null, model: null };

  // ---- small helpers ------------------------------------------------------------------------
  const numberFormat = new Intl.NumberFormat("en-GB");
  N.fmt = (n) => numberFormat.format(n);
  let regionNames = null;
  try {
    regionNames = new Intl.DisplayNames(["en"], { type: "region" });
  } catch (err) {
    regionNames = null;
  }

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
  N.el = el;

  N.truncate = function truncate(value, max) {
    const s = String(value == null ? "" : value).trim();
    return s.length > max ? s.slice(0, max - 1).trimEnd() + "…" : s;
  };

  N.kindLabel = function kindLabel(kind) {
    const s = String(kind || "other").replace(/_/g, " ");
    return s.charAt(0).toUpperCase() + s.slice(1);
  };

  N.countryLabel = function countryLabel(code) {
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
  };

  N.supplierHref = function supplierHref(id) {
    // supplier_url is a pattern such as "/suppliers/0": the trailing 0 becomes the id.
    if (!/0\/?$/.test(cfg.supplierUrl)) {
      return null;
    }
    return cfg.supplierUrl.replace(/0(\/?)$/, encodeURIComponent(String(id)) + "$1");
  };

  N.focusHref = function focusHref(id) {
    const url = new URL(window.location.href);
    url.searchParams.set("focus", String(id));
    url.hash = "";
    return url.pathname + url.search;
  };

  // ---- status overlay -------------------------------------------------------------------------
  N.setStatus = function setStatus(state, text, extra) {
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
  };

  N.hideStatus = function hideStatus() {
    ui.status.hidden = true;
  };

  N.listLink = function listLink() {
    const p = el("p");
    if (cfg.listUrl) {
      const a = el("a", null, "Open the supplier list instead");
      a.href = cfg.listUrl;
      p.appendChild(a);
    }
    return p;
  };
})();
