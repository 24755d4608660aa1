// The supervisor dashboard: the hotline's KPIs over a chosen period. Each figure comes from the
// back office as a small table (columns + rows); it is drawn with Chart.js (vendor/, served by the
// back office), shown as a table on request, and downloadable as CSV from the same source.
(function () {
  "use strict";
  const API = "/console/api/dashboard";
  const $ = (id) => document.getElementById(id);
  const charts = {};
  let loaded = false;

  const CHANNEL_COLOURS = { webchat: "#1e7d46", sms: "#0b5cad", voice: "#b3261e", rest: "#8d6e63" };
  const PALETTE = ["#0b5cad", "#1e7d46", "#e08a00", "#b3261e", "#6a3fb5", "#00838f", "#8d6e63", "#5b6875", "#c2185b", "#558b2f"];

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  const percent = (value) => (value === null || value === undefined ? "—" : Math.round(value * 1000) / 10 + "%");
  const seconds = (value) => (value === null || value === undefined ? "—"
    : value < 90 ? Math.round(value) + " s" : (value / 60).toFixed(1) + " min");
  const count = (value) => (value === null || value === undefined ? "—" : String(value));
  // Rates go to the charts as percentages with one decimal.
  const asPercent = (value) => (value === null || value === undefined ? null : Math.round(value * 1000) / 10);

  const TILES = [
    ["conversations", "Conversations", count],
    ["containment_rate", "Contained by the assistant", percent],
    ["handoff_rate", "Passed to an agent", percent],
    ["fcr_rate", "Resolved at first contact", percent],
    ["wait_p50_seconds", "Wait for an agent, p50", seconds],
    ["wait_p90_seconds", "Wait for an agent, p90", seconds],
    ["requests", "Requests filed", count],
    ["on_time_rate", "Completed on time", percent],
    ["overdue_now", "Overdue now", count],
    ["csat", "Satisfied (CSAT)", percent],
  ];

  function column(figure, name, rows) {
    const index = figure.columns.indexOf(name);
    return (rows || figure.rows).map((row) => row[index]);
  }

  // The figure's rows without its closing "all ..." total.
  const withoutTotal = (figure) => figure.rows.filter((row) => !String(row[0]).startsWith("all"));

  function bars(labels, datasets, options) {
    options = options || {};
    return {
      type: "bar",
      data: { labels, datasets },
      options: {
        indexAxis: options.horizontal ? "y" : "x",
        scales: {
          x: { stacked: !!options.stacked, ticks: { autoSkip: false } },
          y: { stacked: !!options.stacked, beginAtZero: true, max: options.max },
        },
        plugins: { legend: { display: datasets.length > 1 } },
      },
    };
  }

  function rateBars(figure, rateColumn, label) {
    return bars(column(figure, figure.columns[0]), [{
      label, data: column(figure, rateColumn).map(asPercent), backgroundColor: PALETTE[0],
    }], { max: 100 });
  }

  // How each figure is drawn; figures not named here are tables only (overdue list, escalations).
  const DRAW = {
    conversations_by_hour: (f) => bars(column(f, "hour"), f.columns.slice(1).map((channel, i) => ({
      label: channel, data: column(f, channel), backgroundColor: CHANNEL_COLOURS[channel] || PALETTE[i % PALETTE.length],
    })), { stacked: true }),
    conversation_outcomes: (f) => {
      const rows = withoutTotal(f);
      return bars(column(f, "channel", rows), [
        { label: "contained", data: column(f, "contained", rows), backgroundColor: "#1e7d46" },
        { label: "handed off", data: column(f, "handed_off", rows), backgroundColor: "#e08a00" },
        { label: "callbacks", data: column(f, "callbacks", rows), backgroundColor: "#b3261e" },
      ], { stacked: true, horizontal: true });
    },
    handoff_reasons: (f) => ({
      type: "doughnut",
      data: { labels: column(f, "reason"), datasets: [{ data: column(f, "handoffs"), backgroundColor: PALETTE }] },
      options: { plugins: { legend: { position: "right" } } },
    }),
    waiting_time: (f) => {
      const rows = f.rows.filter((row) => row[1] > 0);
      return bars(column(f, "team", rows), [
        { label: "p50 (s)", data: column(f, "p50_seconds", rows), backgroundColor: "#0b5cad" },
        { label: "p90 (s)", data: column(f, "p90_seconds", rows), backgroundColor: "#9cc2e8" },
      ]);
    },
    first_contact_resolution: (f) => rateBars(f, "fcr_rate", "resolved at first contact (%)"),
    requests_by_category: (f) => bars(column(f, "category"), [{
      label: "requests", data: column(f, "requests"), backgroundColor: PALETTE,
    }], { horizontal: true }),
    requests_by_department: (f) => bars(column(f, "department"), [{
      label: "requests", data: column(f, "requests"), backgroundColor: PALETTE,
    }], { horizontal: true }),
    on_time_completion: (f) => {
      const rows = withoutTotal(f);
      return bars(column(f, "department", rows), [
        { label: "on time", data: column(f, "on_time", rows), backgroundColor: "#1e7d46" },
        { label: "late", data: column(f, "late", rows), backgroundColor: "#b3261e" },
      ], { stacked: true, horizontal: true });
    },
    csat_by_channel: (f) => rateBars(f, "csat", "CSAT (%)"),
    csat_by_agent: (f) => rateBars(f, "csat", "CSAT (%)"),
    csat_by_department: (f) => rateBars(f, "csat", "CSAT (%)"),
  };
  const WIDE = new Set(["conversations_by_hour", "overdue", "escalations"]);

  function table(figure) {
    const node = element("table", "table");
    const head = element("tr");
    figure.columns.forEach((name) => head.appendChild(element("th", "", name.replace(/_/g, " "))));
    node.appendChild(element("thead")).appendChild(head);
    const body = element("tbody");
    figure.rows.forEach((row) => {
      const line = element("tr");
      row.forEach((cell) => line.appendChild(element("td", "", cell === null ? "—" : cell)));
      body.appendChild(line);
    });
    if (!figure.rows.length) {
      const line = element("tr");
      const empty = element("td", "muted", "Nothing in this period.");
      empty.colSpan = figure.columns.length;
      line.appendChild(empty);
      body.appendChild(line);
    }
    node.appendChild(body);
    return node;
  }

  function csvLink(params, key, text) {
    const link = element("a", "", text);
    const query = new URLSearchParams(params);
    if (key) query.set("figure", key);
    link.href = API + ".csv?" + query;
    link.setAttribute("download", "");
    return link;
  }

  function renderFigure(figure, params) {
    const card = element("section", "figure" + (WIDE.has(figure.key) ? " figure--wide" : ""));
    card.dataset.figure = figure.key;
    const title = element("h3", "", figure.title);
    title.appendChild(csvLink(params, figure.key, "CSV"));
    card.appendChild(title);
    const draw = DRAW[figure.key];
    if (draw && figure.rows.length && window.Chart) {
      const holder = element("div", "figure__chart");
      const canvas = element("canvas");
      canvas.id = "chart-" + figure.key;
      canvas.setAttribute("role", "img");
      canvas.setAttribute("aria-label", figure.title);
      holder.appendChild(canvas);
      card.appendChild(holder);
      const config = draw(figure);
      config.options = Object.assign({ animation: false, maintainAspectRatio: false, responsive: true }, config.options);
      charts[figure.key] = new window.Chart(canvas, config);
      const details = element("details");
      details.appendChild(element("summary", "", "Show as a table"));
      details.appendChild(table(figure));
      card.appendChild(details);
    } else {
      card.appendChild(table(figure));
    }
    card.appendChild(element("p", "figure__note", figure.note));
    return card;
  }

  function render(report) {
    Object.keys(charts).forEach((key) => { charts[key].destroy(); delete charts[key]; });
    const params = { from: report.period.first_day, to: report.period.last_day };
    $("dashboard-from").value = params.from;
    $("dashboard-to").value = params.to;
    $("dashboard-csv").href = API + ".csv?" + new URLSearchParams(params);
    $("dashboard-period").textContent = "From " + params.from + " to " + params.to + " (" + report.period.timezone +
      "), as of " + new Date(report.generated_at).toLocaleString() + ".";
    const tiles = $("dashboard-tiles");
    tiles.textContent = "";
    TILES.forEach(([key, label, format]) => {
      const tile = element("div", "tile");
      tile.dataset.tile = key;
      tile.append(element("dt", "", label), element("dd", "", format(report.summary[key])));
      tiles.appendChild(tile);
    });
    const figures = $("dashboard-figures");
    figures.textContent = "";
    report.figures.forEach((figure) => figures.appendChild(renderFigure(figure, params)));
    figures.dataset.ready = "true";
  }

  async function load(from, to) {
    $("dashboard-error").textContent = "";
    $("dashboard-figures").dataset.ready = "false";
    const query = new URLSearchParams();
    if (from) query.set("from", from);
    if (to) query.set("to", to);
    const reply = await fetch(API + "?" + query, { credentials: "same-origin", headers: { Accept: "application/json" } });
    const body = await reply.json().catch(() => null);
    if (!reply.ok) {
      const detail = body && body.detail;
      $("dashboard-error").textContent = typeof detail === "string" ? detail : "Please choose two valid dates.";
      return;
    }
    render(body);
  }

  $("dashboard-form").addEventListener("submit", (event) => {
    event.preventDefault();
    load($("dashboard-from").value, $("dashboard-to").value);
  });

  window.hotlineDashboard = {
    show() {
      if (!loaded) { loaded = true; load(); }
    },
    charts,
  };
})();
