// The agent console. Everything citizens wrote is inserted as text (textContent),
// never as HTML: an agent's screen must never run a citizen's script.
(function () {
  "use strict";
  const API = "/console/api";
  const $ = (id) => document.getElementById(id);
  const state = { me: null, csrf: null, open: null, conversations: [], stream: null, refreshTimer: null };

  // --- HTTP ------------------------------------------------------------------
  async function call(method, path, body) {
    const headers = { Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (method !== "GET" && state.csrf) headers["X-CSRF-Token"] = state.csrf;
    const reply = await fetch(API + path, {
      method, headers, credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (reply.status === 401 && path !== "/login") { showSignIn(); throw new Error("Please sign in."); }
    const data = reply.status === 204 ? null : await reply.json().catch(() => null);
    if (!reply.ok) {
      const detail = data && data.detail;
      throw new Error(typeof detail === "string" ? detail : "The request was refused (" + reply.status + ").");
    }
    return data;
  }

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function minutesSince(iso) {
    const seconds = Math.max(0, (Date.now() - new Date(iso).getTime()) / 1000);
    return seconds < 60 ? Math.round(seconds) + " s" : Math.floor(seconds / 60) + " min";
  }

  function timeOf(iso) {
    return new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  }

  // --- sign-in -----------------------------------------------------------------
  function showSignIn() {
    if (state.stream) { state.stream.close(); state.stream = null; }
    $("console").hidden = true;
    $("sign-in").hidden = false;
    $("username").focus();
  }

  function hasRole(roles) { return roles.split(" ").includes(state.me.role); }

  function startConsole(me) {
    state.me = me;
    state.csrf = me.csrf_token;
    $("sign-in").hidden = true;
    $("console").hidden = false;
    $("me").textContent = me.display_name + " (" + me.role + ")";
    $("presence").value = me.presence;
    document.querySelectorAll("[data-roles]").forEach((node) => { node.hidden = !hasRole(node.dataset.roles); });
    const first = document.querySelector(".topbar__tabs button:not([hidden])");
    if (first) showView(first.dataset.view);
    listen();
  }

  $("sign-in-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    $("sign-in-error").textContent = "";
    try {
      const me = await call("POST", "/login", { username: $("username").value, password: $("password").value });
      $("password").value = "";
      startConsole(me);
    } catch (error) {
      $("sign-in-error").textContent = error.message;
    }
  });

  $("sign-out").addEventListener("click", async () => {
    try { await call("POST", "/logout"); } catch (error) { /* signed out either way */ }
    state.me = null; state.csrf = null;
    showSignIn();
  });

  $("presence").addEventListener("change", async () => {
    try {
      const me = await call("PUT", "/me/presence", { presence: $("presence").value });
      $("presence").value = me.presence;
      refreshQueue();
    } catch (error) { alert(error.message); }
  });

  function showView(name) {
    document.querySelectorAll(".topbar__tabs button").forEach((b) => b.classList.toggle("active", b.dataset.view === name));
    document.querySelectorAll("main[id^='view-']").forEach((view) => { view.hidden = view.id !== "view-" + name; });
    if (name === "conversations") { refreshQueue(); loadCannedReplies(); loadTransferTargets(); }
    if (name === "dashboard" && window.hotlineDashboard) window.hotlineDashboard.show();
    if (name === "review" && window.hotlineReview) window.hotlineReview.show();
  }
  document.querySelectorAll(".topbar__tabs button").forEach((b) => b.addEventListener("click", () => showView(b.dataset.view)));

  // --- live updates ------------------------------------------------------------
  function listen() {
    if (state.stream) state.stream.close();
    const stream = new EventSource(API + "/stream");
    state.stream = stream;
    stream.addEventListener("ready", () => { $("live").classList.add("live--on"); refreshQueue(); });
    stream.addEventListener("handoff", (event) => onHandoffEvent(JSON.parse(event.data)));
    stream.addEventListener("presence", () => refreshQueue());
    stream.addEventListener("reload", () => { refreshQueue(); if (state.open) openConversation(state.open); });
    stream.onerror = () => $("live").classList.remove("live--on");
  }

  function onHandoffEvent(event) {
    if (state.open === event.reference) {
      if (event.message) appendMessage(event.message);
      else openConversation(event.reference, { quiet: true });
    }
    refreshQueue();
  }

  // A second event in quick succession refreshes once.
  function refreshQueue() {
    clearTimeout(state.refreshTimer);
    state.refreshTimer = setTimeout(loadQueue, 100);
  }

  // --- the queue ---------------------------------------------------------------
  async function loadQueue() {
    if (!state.me || !hasRole("agent supervisor")) return;
    try {
      state.conversations = await call("GET", "/conversations");
    } catch (error) { return; }
    renderQueue();
  }

  function renderQueue() {
    const list = $("queue");
    list.textContent = "";
    $("queue-empty").hidden = state.conversations.length > 0;
    state.conversations.forEach((c) => {
      const mine = c.assigned_agent === state.me.username;
      const item = element("li", "ticket" + (mine ? " ticket--mine" : "") + (state.open === c.reference ? " ticket--open" : ""));
      item.dataset.reference = c.reference;
      item.dataset.status = c.status;
      const head = element("div", "ticket__head");
      head.append(element("strong", "", c.reference), element("span", "badge badge--" + c.channel, c.channel),
        element("span", "badge", c.language), element("span", "ticket__wait", c.status === "waiting" ? "waiting " + minutesSince(c.created_at) : (c.assigned_agent_name || "")));
      item.appendChild(head);
      item.appendChild(element("div", "ticket__reason", c.team_name + " · " + c.reason.replace(/_/g, " ")));
      const understood = c.intent ? c.intent + (c.intent_confidence != null ? " (" + Math.round(c.intent_confidence * 100) + "%)" : "") : "—";
      item.appendChild(element("div", "ticket__intent", "Assistant understood: " + understood));
      if (c.entities && c.entities.length) {
        item.appendChild(element("div", "ticket__entities", c.entities.map((e) => e.entity + "=" + e.value).join(", ")));
      }
      if (c.case_numbers.length) item.appendChild(element("div", "ticket__cases", c.case_numbers.join(" ")));
      if (c.last_citizen_message) item.appendChild(element("div", "ticket__last", "“" + c.last_citizen_message + "”"));
      item.addEventListener("click", () => openConversation(c.reference));
      list.appendChild(item);
    });
  }
  setInterval(() => { if (state.me && !$("view-conversations").hidden) renderQueue(); }, 15000);

  // --- one conversation ---------------------------------------------------------
  function appendMessage(m) {
    const existing = $("transcript").querySelector('[data-id="' + m.id + '"]');
    const item = element("li", "line line--" + m.sender + (m.internal ? " line--note" : ""));
    item.dataset.id = m.id;
    item.dataset.sender = m.sender;
    const who = m.internal ? "Note · " + (m.author_name || "") : m.sender === "agent" ? m.author_name : m.sender;
    item.appendChild(element("span", "line__who", who + " · " + timeOf(m.sent_at)));
    item.appendChild(element("span", "line__text", m.text));
    if (m.delivery === "failed") item.appendChild(element("span", "line__failed", "not delivered"));
    if (existing) existing.replaceWith(item); else $("transcript").appendChild(item);
    $("transcript").scrollTop = $("transcript").scrollHeight;
  }

  async function openConversation(reference, options) {
    state.open = reference;
    let c;
    try {
      c = await call("GET", "/conversations/" + encodeURIComponent(reference));
    } catch (error) {
      if (!(options && options.quiet)) $("conversation-error").textContent = error.message;
      return;
    }
    $("conversation-empty").hidden = true;
    $("conversation").hidden = false;
    $("conversation-error").textContent = "";
    $("conversation-title").textContent = "Conversation " + c.reference;
    const facts = $("conversation-facts");
    facts.textContent = "";
    [["Channel", c.channel], ["Language", c.language], ["Team", c.team_name], ["Reason", c.reason.replace(/_/g, " ")],
      ["Status", c.status + (c.assigned_agent_name ? " · " + c.assigned_agent_name : "")]].forEach(([k, v]) => {
      facts.append(element("dt", "", k), element("dd", "", v));
    });
    $("transcript").textContent = "";
    c.messages.forEach(appendMessage);
    const mine = c.status === "assigned" && c.assigned_agent === state.me.username;
    $("claim-row").hidden = c.status !== "waiting";
    $("reply-form").hidden = !mine || c.channel === "voice";
    $("note-form").hidden = !(c.status === "waiting" || c.status === "assigned");
    document.querySelector(".actions").hidden = !(c.status === "waiting" || c.status === "assigned");
    if (mine && c.channel === "voice") {
      $("conversation-error").textContent = "The caller is waiting in the telephone queue " + c.team + ": answer the call to talk to them.";
    }
    renderCaseNumbers(c.case_numbers);
    renderQueue();
  }

  $("claim").addEventListener("click", async () => {
    try { await call("POST", "/conversations/" + state.open + "/claim"); await openConversation(state.open); }
    catch (error) { $("conversation-error").textContent = error.message; }
  });

  $("reply-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = $("reply").value.trim();
    if (!text) return;
    try {
      const message = await call("POST", "/conversations/" + state.open + "/messages", { text });
      $("reply").value = "";
      appendMessage(message);
    } catch (error) { $("conversation-error").textContent = error.message; }
  });

  $("reply").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); $("reply-form").requestSubmit(); }
  });

  $("canned").addEventListener("change", () => {
    const option = $("canned").selectedOptions[0];
    if (option && option.dataset.text) { $("reply").value = option.dataset.text; $("reply").focus(); }
    $("canned").value = "";
  });

  async function loadCannedReplies() {
    try {
      const replies = await call("GET", "/canned-replies");
      const select = $("canned");
      select.length = 1;
      replies.forEach((r) => { const o = element("option", "", r.title); o.value = String(r.id); o.dataset.text = r.text; select.appendChild(o); });
    } catch (error) { /* the console works without them */ }
  }

  async function loadTransferTargets() {
    try {
      const [teams, agents] = await Promise.all([call("GET", "/teams"), call("GET", "/agents")]);
      const select = $("transfer-target");
      select.textContent = "";
      teams.forEach((t) => { const o = element("option", "", "Team: " + t.name); o.value = "team:" + t.code; select.appendChild(o); });
      agents.filter((a) => a.username !== state.me.username).forEach((a) => {
        const o = element("option", "", "Agent: " + a.display_name + " (" + a.presence + ")");
        o.value = "agent:" + a.username; select.appendChild(o);
      });
    } catch (error) { /* no transfer targets shown */ }
  }

  async function act(path, body) {
    try { await call("POST", "/conversations/" + state.open + path, body); await openConversation(state.open); }
    catch (error) { $("conversation-error").textContent = error.message; }
  }

  $("note-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = $("note").value.trim();
    if (!text) return;
    await act("/notes", { text });
    $("note").value = "";
  });

  $("transfer-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const [kind, target] = $("transfer-target").value.split(":");
    await act("/transfer", { [kind]: target, note: $("transfer-note").value });
    $("transfer-note").value = "";
  });

  $("hand-back-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    await act("/hand-back", { note: $("hand-back-note").value });
    $("hand-back-note").value = "";
  });

  $("close-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const note = $("close-note").value.trim();
    await act("/close", { wrap_up_code: $("wrap-up").value, note: note || null });
    $("close-note").value = "";
  });

  // --- case records --------------------------------------------------------------
  function renderCaseNumbers(numbers) {
    const list = $("case-numbers");
    list.textContent = "";
    $("record").textContent = "";
    numbers.forEach((n) => {
      const item = element("li");
      const open = element("button", "link", n);
      open.type = "button";
      open.addEventListener("click", () => showRecord(n));
      item.appendChild(open);
      list.appendChild(item);
    });
  }

  async function showRecord(number) {
    const record = $("record");
    record.textContent = "";
    try {
      const isApplication = number.startsWith("APP-");
      const r = await call("GET", (isApplication ? "/applications/" : "/service-requests/") + encodeURIComponent(number));
      record.appendChild(element("h3", "", number + " · " + (isApplication ? r.application_type_name : r.category_name)));
      const facts = element("dl", "facts");
      const rows = isApplication
        ? [["Status", r.status_text], ["Applicant", r.applicant_name], ["Date of birth", r.applicant_date_of_birth], ["Phone", r.applicant_phone || "—"]]
        : [["Status", r.status_text], ["Department", r.department_name], ["Location", r.location], ["Target", r.target_date], ["Description", r.description]];
      rows.forEach(([k, v]) => facts.append(element("dt", "", k), element("dd", "", v)));
      record.appendChild(facts);
      const history = element("ol", "history");
      r.events.forEach((e) => {
        const step = element("li", "", timeOf(e.occurred_at) + " " + e.status + ": " + e.step_text);
        if (e.internal_note) step.appendChild(element("div", "muted", "Internal: " + e.internal_note));
        history.appendChild(step);
      });
      record.appendChild(history);
      record.appendChild(element("p", "muted", "This view is recorded in the audit log."));
    } catch (error) {
      record.appendChild(element("p", "error", error.message));
    }
  }

  $("link-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!state.open) return;
    try {
      const numbers = await call("POST", "/conversations/" + state.open + "/case-numbers", { number: $("link-number").value });
      $("link-number").value = "";
      renderCaseNumbers(numbers);
    } catch (error) { $("record").textContent = error.message; }
  });

  $("file-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!state.open) return;
    try {
      const filed = await call("POST", "/conversations/" + state.open + "/service-requests", {
        category: $("file-category").value, location: $("file-location").value, description: $("file-description").value,
      });
      $("file-location").value = ""; $("file-description").value = "";
      await openConversation(state.open);
      showRecord(filed.request_number);
    } catch (error) { $("record").textContent = error.message; }
  });

  // --- audit log -----------------------------------------------------------------
  $("audit-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const params = new URLSearchParams();
    if ($("audit-ref").value) params.set("object_ref", $("audit-ref").value);
    if ($("audit-user").value) params.set("username", $("audit-user").value);
    const rows = $("audit-rows");
    rows.textContent = "";
    try {
      (await call("GET", "/audit-log?" + params)).forEach((e) => {
        const row = element("tr");
        [new Date(e.occurred_at).toLocaleString(), e.actor, e.action.replace(/_/g, " "), e.object_type + " " + e.object_ref]
          .forEach((v) => row.appendChild(element("td", "", v)));
        rows.appendChild(row);
      });
    } catch (error) { rows.appendChild(element("tr", "error", error.message)); }
  });

  // --- start ------------------------------------------------------------------------
  // The other views (review.js) call the API the same way: the session's CSRF token on writes.
  window.hotlineConsole = { call };
  call("GET", "/me").then(startConsole).catch(showSignIn);
})();
