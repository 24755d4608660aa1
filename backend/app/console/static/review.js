// Trainers' review: citizen messages the assistant was unsure of. The trainer picks the right intent
// (from the intents of the model the assistant runs) and marks entities by the words in the message,
// or marks the message out of scope. Citizens' words are inserted as text, never as HTML.
(function () {
  "use strict";
  const $ = (id) => document.getElementById(id);
  const REASONS = { low_confidence: "low confidence", fallback: "not understood", handed_off: "handed to a person",
                    rated_badly: "rated badly", out_of_scope: "out of scope" };
  let vocabulary = null;

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  const call = (method, path, body) => window.hotlineConsole.call(method, "/review" + path, body);
  const percent = (value) => (value === null || value === undefined ? "—" : Math.round(value * 100) + "%");
  const describeEntities = (entities) => (entities && entities.length
    ? entities.map((e) => e.entity + " “" + e.value + "”").join(", ") : "none");

  function option(value, label) {
    const node = element("option", "", label);
    node.value = value;
    return node;
  }

  function entityChip(list, entity) {
    const chip = element("li", "review__entity");
    chip.dataset.entity = entity.entity;
    chip.dataset.start = entity.start;
    chip.dataset.end = entity.end;
    chip.dataset.value = entity.value;
    chip.append(element("span", "", entity.entity + ": " + entity.value));
    const remove = element("button", "link", "remove");
    remove.type = "button";
    remove.setAttribute("aria-label", "Remove " + entity.entity + " " + entity.value);
    remove.addEventListener("click", () => chip.remove());
    chip.append(remove);
    list.appendChild(chip);
  }

  function chosenEntities(list) {
    return Array.from(list.children).map((chip) => ({
      entity: chip.dataset.entity, value: chip.dataset.value, start: Number(chip.dataset.start), end: Number(chip.dataset.end),
    }));
  }

  function renderMessage(message) {
    const item = element("li", "review__item");
    item.dataset.id = message.id;
    const quote = element("blockquote", "review__text", message.text);
    quote.setAttribute("aria-label", "Citizen's message");
    item.appendChild(quote);
    const facts = element("p", "muted review__facts");
    facts.append(
      "Understood as ", element("strong", "review__predicted", message.predicted_intent || "nothing"),
      " (" + percent(message.confidence) + ") · entities: " + describeEntities(message.predicted_entities) +
      " · why here: " + message.reasons.map((r) => REASONS[r] || r).join(", ") +
      " · " + message.channel + (message.language ? " (" + message.language + ")" : "") +
      " · " + new Date(message.sent_at).toLocaleString(),
    );
    item.appendChild(facts);
    if (message.status === "annotated") {
      item.appendChild(element("p", "review__verdict", "Marked " + message.annotated_intent + " by " +
        message.annotated_by + "; entities: " + describeEntities(message.annotated_entities)));
      return item;
    }
    const form = element("form", "review__form");
    const intentLabel = element("label", "", "Right intent ");
    const intents = element("select", "review__intent");
    intents.append(option("", "Choose…"));
    vocabulary.intents.filter((i) => i !== "out_of_scope").forEach((intent) => intents.append(option(intent, intent)));
    if (vocabulary.intents.includes(message.predicted_intent)) intents.value = message.predicted_intent;
    intentLabel.appendChild(intents);
    form.appendChild(intentLabel);

    const chips = element("ul", "review__entities");
    chips.setAttribute("aria-label", "Entities");
    (message.predicted_entities || []).forEach((e) => {
      if (vocabulary.entities.includes(e.entity)) {
        entityChip(chips, { ...e, value: message.text.slice(e.start, e.end) });
      }
    });
    form.appendChild(chips);
    const adder = element("div", "row");
    const entityName = element("select", "review__entity-name");
    entityName.setAttribute("aria-label", "Entity");
    vocabulary.entities.forEach((name) => entityName.append(option(name, name)));
    const words = element("input", "review__entity-words");
    words.placeholder = "the words in the message";
    words.setAttribute("aria-label", "Entity words");
    const add = element("button", "", "Add entity");
    add.type = "button";
    adder.append(entityName, words, add);
    form.appendChild(adder);
    const problem = element("p", "error");
    problem.setAttribute("role", "alert");
    add.addEventListener("click", () => {
      const value = words.value.trim();
      const start = value ? message.text.indexOf(value) : -1;
      if (start < 0) { problem.textContent = "Those words are not in the message."; return; }
      problem.textContent = "";
      entityChip(chips, { entity: entityName.value, value, start, end: start + value.length });
      words.value = "";
    });

    const buttons = element("div", "row");
    const save = element("button", "", "Save");
    save.type = "submit";
    const outOfScope = element("button", "secondary", "Out of scope");
    outOfScope.type = "button";
    buttons.append(save, outOfScope);
    form.append(buttons, problem);

    async function send(body) {
      problem.textContent = "";
      try {
        const saved = await call("PUT", "/messages/" + message.id + "/annotation", body);
        item.replaceWith(renderMessage(saved));
      } catch (error) { problem.textContent = error.message; }
    }
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      if (!intents.value) { problem.textContent = "Choose the right intent, or mark it out of scope."; return; }
      send({ intent: intents.value, entities: chosenEntities(chips) });
    });
    outOfScope.addEventListener("click", () => send({ out_of_scope: true }));
    item.appendChild(form);
    return item;
  }

  async function load() {
    $("review-error").textContent = "";
    const list = $("review-list");
    list.dataset.ready = "false";
    try {
      vocabulary = vocabulary || await call("GET", "/vocabulary");
      const messages = await call("GET", "/messages?status=" + encodeURIComponent($("review-status").value));
      list.textContent = "";
      messages.forEach((message) => list.appendChild(renderMessage(message)));
      $("review-empty").hidden = messages.length > 0;
    } catch (error) {
      vocabulary = null;
      $("review-error").textContent = error.message;
    }
    list.dataset.ready = "true";
  }

  $("review-status").addEventListener("change", load);
  $("review-refresh").addEventListener("click", load);
  window.hotlineReview = { show: load };
})();
