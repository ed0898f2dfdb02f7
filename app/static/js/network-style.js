/*
 * Tierlight supplier network: how the diagram looks. Colours (read from network.css), the colour
 * of a supplier in each "Colour by" mode, the Cytoscape style, highlighting a selected supplier's
 * paths, and the legend. Needs network-base.js; see there for how the files fit together.
 */
(function () {
  "use strict";

  const N = window.TierlightNetwork;
  if (!N || !N.container) {
    return;
  }
  const { container, KINDS, LABOUR_KINDS, RISK_BANDS, RISK_RANGES, TIER_COLOURS, cfg, ui, state } = N;
  const { el, fmt, kindLabel } = N;

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
  const FALLBACK_RISK = { low: "#2e7d4f", medium: "#e0a526", high: "#c4501a", critical: "#9b1c1c" };
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
    listed: cssColour("--listed", "#111111"),
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
        // On a forced-labour entity list (a confirmed screening hit): a thick, dark double
        // border, whatever the colour mode, so it stands out in every view.
        selector: "node[?listed]",
        style: { "border-width": 5, "border-style": "double", "border-color": palette.listed },
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
          "text-wrap": "ellipsis", // white text past the box would be white on white
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

  // ---- highlighting ---------------------------------------------------------------------------
  function clearHighlight() {
    const cy = state.cy;
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
    const cy = state.cy;
    const upstream = node.predecessors(); // suppliers of this supplier, and theirs
    const downstream = node.successors(); // the paths from it to our company
    const keep = node.union(upstream).union(downstream);
    cy.batch(() => {
      cy.elements().not(keep).not(".column-label").addClass("faded");
      upstream.edges().addClass("upstream");
      downstream.edges().addClass("downstream");
    });
  }

  // ---- "Colour by" and the legend -------------------------------------------------------------
  function updateRiskOption() {
    const option = ui.colour.querySelector('option[value="risk"]');
    if (!option) {
      return;
    }
    const scored = state.model.nodes.some((d) => riskBand(d.risk));
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
    const model = state.model;
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
        items.push(legendItem(`risk-${band}`, `${kindLabel(band)} (${RISK_RANGES[band]})`, counts.get(band) || 0));
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
    const listed = model.nodes.filter((d) => d.listed === true).length;
    if (listed) {
      const li = legendItem("listed", "On a forced-labour entity list", listed);
      const sw = li.querySelector(".swatch");
      sw.style.background = "#ffffff";
      sw.style.border = `4px double ${palette.listed}`;
      sw.style.borderRadius = "50%";
      items.push(li);
    }
    ui.legend.replaceChildren(...items);
  }

  function applyColours(mode) {
    const cy = state.cy;
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

  Object.assign(N, {
    riskBand, colourFor, styleFor, clearHighlight, highlight, updateRiskOption, renderLegend, applyColours,
  });
})();
