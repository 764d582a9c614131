/*
 * The CTI chat widget: a small floating chat box for a company's web site.
 *
 * Embed with <script src="https://cti.example.com/chat/widget.js" defer></script>; the box
 * talks to /chat/ws on the server the script came from (or data-cti-server="https://...").
 * Every text from the visitor or an agent is shown with textContent, never as HTML.
 * When the socket drops the box says so and reconnects with a growing delay; the server
 * keeps no chat across sockets, so a reconnect starts a new conversation and says that too.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  var server = new URL((script && script.dataset.ctiServer) || (script && script.src) || location.href);
  var wsUrl = (server.protocol === "https:" ? "wss://" : "ws://") + server.host + "/chat/ws";
  var TYPING_IDLE_MS = 3000;
  var NO_RETRY = { 4000: true }; // a hello the server refused: retrying cannot help

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function addStylesheet() {
    var href = server.origin + "/chat/widget.css";
    if (document.querySelector('link[href="' + href + '"]')) return;
    var link = el("link");
    link.rel = "stylesheet";
    link.href = href;
    document.head.appendChild(link);
  }

  function build() {
    var ui = {};
    ui.root = el("div", "cti-chat");
    ui.launcher = el("button", "cti-chat-launcher", "Chat with us");
    ui.launcher.type = "button";
    ui.panel = el("section", "cti-chat-panel");
    ui.panel.hidden = true;
    ui.panel.setAttribute("aria-label", "Chat");
    var header = el("header", "cti-chat-header");
    header.appendChild(el("span", "cti-chat-title", "Chat with us"));
    ui.close = el("button", "cti-chat-close", "\u00d7");
    ui.close.type = "button";
    ui.close.setAttribute("aria-label", "End chat");
    header.appendChild(ui.close);
    ui.start = el("form", "cti-chat-start");
    ui.name = field(ui.start, "text", "Your name (optional)", 100);
    ui.email = field(ui.start, "email", "Your email (optional)", 254);
    ui.start.appendChild(el("button", "cti-chat-begin", "Start chat"));
    ui.list = el("ol", "cti-chat-messages");
    ui.list.setAttribute("aria-live", "polite");
    ui.typing = el("div", "cti-chat-typing");
    ui.status = el("div", "cti-chat-status");
    ui.status.setAttribute("role", "status");
    ui.compose = el("form", "cti-chat-compose");
    ui.input = el("textarea", "cti-chat-input");
    ui.input.rows = 2;
    ui.input.maxLength = 2000;
    ui.input.placeholder = "Type your message";
    ui.send = el("button", "cti-chat-send", "Send");
    ui.compose.appendChild(ui.input);
    ui.compose.appendChild(ui.send);
    ui.compose.hidden = true;
    [header, ui.start, ui.list, ui.typing, ui.status, ui.compose].forEach(function (part) {
      ui.panel.appendChild(part);
    });
    ui.root.appendChild(ui.panel);
    ui.root.appendChild(ui.launcher);
    document.body.appendChild(ui.root);
    return ui;
  }

  function field(form, type, label, maxLength) {
    var input = el("input", "cti-chat-field");
    input.type = type;
    input.placeholder = label;
    input.setAttribute("aria-label", label);
    input.maxLength = maxLength;
    form.appendChild(input);
    return input;
  }

  function Chat(ui) {
    this.ui = ui;
    this.socket = null;
    this.hello = null;
    this.retryMs = 1000;
    this.ended = false;
    this.typingTimer = null;
    this.typingOn = false;
  }

  Chat.prototype.begin = function () {
    var hello = { op: "hello" };
    if (this.ui.name.value.trim()) hello.name = this.ui.name.value.trim();
    if (this.ui.email.value.trim()) hello.email = this.ui.email.value.trim();
    this.hello = hello;
    this.ui.start.hidden = true;
    this.connect(false);
  };

  Chat.prototype.connect = function (again) {
    var chat = this;
    chat.setStatus(again ? "Reconnecting\u2026" : "Connecting\u2026");
    var socket = new WebSocket(wsUrl);
    chat.socket = socket;
    socket.onopen = function () { socket.send(JSON.stringify(chat.hello)); };
    socket.onmessage = function (event) { chat.receive(JSON.parse(event.data), again); };
    socket.onclose = function (event) { chat.dropped(socket, event.code); };
  };

  Chat.prototype.receive = function (frame, again) {
    if (frame.op === "welcome") {
      this.retryMs = 1000;
      this.setStatus("");
      if (again) this.note("Reconnected. This is a new conversation: please repeat anything unanswered.");
      this.ui.compose.hidden = false;
      this.ui.input.focus();
    } else if (frame.op === "ack") {
      var item = this.ui.list.querySelector(".cti-chat-sending"); // acks come in order
      if (item) item.className = "cti-chat-visitor";
    } else if (frame.op === "message") {
      this.showTyping(frame.author, false);
      this.add("cti-chat-agent", frame.author, frame.text);
    } else if (frame.op === "typing") {
      this.showTyping(frame.author, frame.on);
    } else if (frame.op === "error") {
      this.setStatus(frame.message);
    }
  };

  Chat.prototype.dropped = function (socket, code) {
    if (socket !== this.socket || this.ended) return;
    this.ui.compose.hidden = true;
    this.showTyping("", false);
    if (NO_RETRY[code]) {
      this.setStatus("The chat could not start. Please reload the page.");
      return;
    }
    var chat = this;
    chat.setStatus("Connection lost. Reconnecting in " + Math.round(chat.retryMs / 1000) + " s\u2026");
    setTimeout(function () { if (!chat.ended) chat.connect(true); }, chat.retryMs);
    chat.retryMs = Math.min(chat.retryMs * 2, 30000);
  };

  Chat.prototype.say = function () {
    var text = this.ui.input.value.trim();
    if (!text || !this.socket || this.socket.readyState !== WebSocket.OPEN) return;
    this.socket.send(JSON.stringify({ op: "message", text: text }));
    this.add("cti-chat-sending", "You", text);
    this.ui.input.value = "";
    this.typed(false);
  };

  Chat.prototype.typed = function (on) {
    var chat = this;
    clearTimeout(chat.typingTimer);
    if (on) chat.typingTimer = setTimeout(function () { chat.typed(false); }, TYPING_IDLE_MS);
    if (on === chat.typingOn || !chat.socket || chat.socket.readyState !== WebSocket.OPEN) return;
    chat.typingOn = on;
    chat.socket.send(JSON.stringify({ op: "typing", on: on }));
  };

  Chat.prototype.end = function () {
    if (this.ended) return;
    this.ended = true;
    if (this.socket && this.socket.readyState === WebSocket.OPEN) {
      this.socket.send(JSON.stringify({ op: "leave" }));
      this.socket.close(1000);
    }
  };

  Chat.prototype.add = function (kind, author, text) {
    var item = el("li", kind);
    item.appendChild(el("span", "cti-chat-author", author));
    item.appendChild(el("p", "cti-chat-text", text));
    this.ui.list.appendChild(item);
    this.ui.list.scrollTop = this.ui.list.scrollHeight;
  };

  Chat.prototype.note = function (text) { this.add("cti-chat-note", "", text); };

  Chat.prototype.showTyping = function (author, on) {
    this.ui.typing.textContent = on ? author + " is typing\u2026" : "";
  };

  Chat.prototype.setStatus = function (text) { this.ui.status.textContent = text; };

  function start() {
    addStylesheet();
    var ui = build();
    var chat = new Chat(ui);
    ui.launcher.addEventListener("click", function () {
      ui.panel.hidden = !ui.panel.hidden;
      if (!ui.panel.hidden && ui.start.hidden) ui.input.focus();
    });
    ui.start.addEventListener("submit", function (event) { event.preventDefault(); chat.begin(); });
    ui.compose.addEventListener("submit", function (event) { event.preventDefault(); chat.say(); });
    ui.input.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); chat.say(); }
    });
    ui.input.addEventListener("input", function () { chat.typed(ui.input.value.length > 0); });
    ui.close.addEventListener("click", function () {
      chat.end();
      ui.compose.hidden = true;
      chat.setStatus("Chat ended. Thank you!");
    });
    window.addEventListener("pagehide", function () { chat.end(); });
    window.ctiChat = chat;
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
