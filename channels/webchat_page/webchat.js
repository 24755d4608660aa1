// The citizen's side of the web chat. Everything the assistant or a citizen
// says is inserted as text (textContent), never as HTML.
(function () {
  "use strict";
  const STORAGE_KEY = "northbridge-12345-conversation";
  const BASE = "/webhooks/webchat/";
  const transcript = document.getElementById("transcript");
  const form = document.getElementById("composer");
  const input = document.getElementById("message");
  const sendButton = document.getElementById("send");
  const status = document.getElementById("status");
  const queueBanner = document.getElementById("queue");
  let stream = null;

  function newConversationId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  function conversationId() {
    let id = localStorage.getItem(STORAGE_KEY);
    if (!id) {
      id = newConversationId();
      localStorage.setItem(STORAGE_KEY, id);
    }
    return id;
  }

  function scrollToEnd() { transcript.scrollTop = transcript.scrollHeight; }

  function show(sender, text, buttons, authorName) {
    const item = document.createElement("li");
    item.className = "message message--" + sender;
    item.dataset.sender = sender;
    if (sender === "agent") {
      const author = document.createElement("div");
      author.className = "message__author";
      author.textContent = (authorName || "Contact centre") + " · Northbridge contact centre";
      item.appendChild(author);
    }
    if (text) {
      const bubble = document.createElement("div");
      bubble.className = "message__text";
      bubble.textContent = text;
      item.appendChild(bubble);
    }
    if (buttons && buttons.length) {
      const row = document.createElement("div");
      row.className = "message__buttons";
      buttons.forEach((button) => {
        const choice = document.createElement("button");
        choice.type = "button";
        choice.textContent = button.title;
        choice.addEventListener("click", () => send(button.payload, button.title));
        row.appendChild(choice);
      });
      item.appendChild(row);
    }
    transcript.appendChild(item);
    scrollToEnd();
  }

  function showWelcome() {
    show("assistant", "Hello! I'm the automated assistant of Northbridge's 12345 line. " +
      "I can tell you where your application stands, file a report about a problem in " +
      "your street, check a report you made, or answer questions about city services.");
  }

  // The queue status while a member of staff is on the way (or null once someone has the conversation).
  function showQueue(handoff) {
    if (!handoff || handoff.status !== "queued" || !handoff.queue_position) {
      queueBanner.hidden = true;
      queueBanner.textContent = "";
      return;
    }
    queueBanner.hidden = false;
    queueBanner.textContent = "Waiting for a member of staff: you are number " + handoff.queue_position +
      " in the queue, about " + handoff.estimated_wait_minutes + " min.";
  }

  // What the page shows of one message from the assistant, an agent or the hotline.
  function receive(message) {
    const custom = message.custom || {};
    if (custom.handoff) showQueue(custom.handoff);
    // Someone has the conversation now (or it moved): a fresh queue status follows if it waits again.
    if (message.sender === "agent" || message.sender === "hotline") showQueue(null);
    if (message.text || (message.buttons && message.buttons.length)) {
      show(message.sender || "assistant", message.text, message.buttons, message.author_name);
    }
  }

  async function loadHistory() {
    try {
      const reply = await fetch(BASE + "history?sender=" + encodeURIComponent(conversationId()));
      if (!reply.ok) throw new Error(String(reply.status));
      const body = await reply.json();
      transcript.textContent = "";
      if (!body.messages.length) { showWelcome(); return; }
      body.messages.forEach((m) => show(m.sender, m.text, m.buttons, m.author_name));
      showQueue(body.handoff);
    } catch (error) {
      if (!transcript.children.length) showWelcome();
    }
  }

  // Agent replies, queue updates and the survey arrive outside the citizen's own turns.
  function listen() {
    if (!window.EventSource) return;
    if (stream) stream.close();
    let lostConnection = false;
    stream = new EventSource(BASE + "stream?sender=" + encodeURIComponent(conversationId()));
    stream.addEventListener("ready", () => {
      // Anything said while the connection was down is in the transcript.
      if (lostConnection) loadHistory();
      lostConnection = false;
    });
    stream.addEventListener("reload", loadHistory);
    stream.onmessage = (event) => receive(JSON.parse(event.data));
    stream.onerror = () => { lostConnection = true; };
  }

  async function send(message, displayText) {
    show("citizen", displayText || message);
    sendButton.disabled = true;
    status.textContent = "The assistant is typing…";
    try {
      const reply = await fetch(BASE + "webhook", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ sender: conversationId(), message: message, display_text: displayText || null }),
      });
      const body = await reply.json();
      if (!reply.ok) {
        status.textContent = body.error || "Something went wrong. Please try again.";
        return;
      }
      status.textContent = "";
      body.forEach(receive);
    } catch (error) {
      status.textContent = "The assistant can't be reached right now. Please try again in a moment.";
    } finally {
      sendButton.disabled = false;
      input.focus();
    }
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    input.value = "";
    send(text);
  });

  document.getElementById("new-conversation").addEventListener("click", () => {
    localStorage.removeItem(STORAGE_KEY);
    transcript.textContent = "";
    showQueue(null);
    showWelcome();
    listen();
  });

  loadHistory().then(listen);
})();
