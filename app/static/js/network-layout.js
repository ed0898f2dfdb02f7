/*
 * Tierlight supplier network: from the network JSON to positioned diagram elements.
 *
 * normalise() checks and cleans the JSON into the model the other files use; findMatches()
 * searches that model. Positions are computed here ("preset" layout): our company on the left,
 * one column per tier, suppliers not connected to the company in a last column. Large tiers wrap
 * into several sub-columns, and each tier is ordered by where its customers sit, so edges run
 * mostly horizontally.
 * Needs network-base.js and network-style.js; see network-base.js for how the files fit together.
 */
(function () {
  "use strict";

  const N = window.TierlightNetwork;
  if (!N || !N.container) {
    return;
  }
  const { container, KINDS, LABOUR_KINDS, EDGE_KINDS, COMPANY_ID, LABEL_MAX, cfg } = N;
  const { fmt, truncate, colourFor } = N;

  // ---- geometry of the preset layout ------------------------------------------------------
  const COLUMN_GAP = 260; // between the last sub-column of one tier and the next tier
  const SUB_GAP = 135; // between sub-columns of one tier
  const ROW_GAP = 46; // between rows
  const HEADER_GAP = 80; // column headers above the tallest column
  N.COLUMN_GAP = COLUMN_GAP;

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

  // The suppliers matching a search, best first; d.search is the key normalise() built for it.
  function findMatches(model, query) {
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

  Object.assign(N, { normalise, findMatches, elementsFor });
})();
