// The spinal implant assistant's website widget. One line embeds it on any site:
//   <script src="https://assistant.example/widget.js" data-server="https://rasa.example"
//           data-locale="en-GB" defer></script>
// or, before that line, window.SpineChatConfig = { server: "...", locale: "en-GB", open: false }.
// It lives in a shadow root (the host page's CSS and the widget's never meet), talks to Rasa's
// socket.io channel (assistant/channels/widget.py) with a client served from the same place as
// this file (no CDN), keeps the conversation across reloads and tabs, keeps messages typed while
// offline and sends them on reconnect, and pins an emergency reply as a banner with a call link.
"use strict";

(function () {
  const script = document.currentScript;
  const assetBase = new URL(".", script && script.src ? script.src : window.location.href).href;
  const given = Object.assign({}, script ? script.dataset : {}, window.SpineChatConfig || {});
  const locale = given.locale || document.documentElement.lang || navigator.language || "";
  const STORE = "spine-chat:";
  const ACK_TIMEOUT_MS = 10000;

  // --- storage: the session survives a reload and is shared by the site's tabs -----------------
  function load(key, fallback) {
    try {
      const value = window.localStorage.getItem(STORE + key);
      return value === null ? fallback : JSON.parse(value);
    } catch (error) {
      return fallback;
    }
  }
  function save(key, value) {
    try {
      window.localStorage.setItem(STORE + key, JSON.stringify(value));
    } catch (error) {
      // Private mode or a full store: the conversation works, it just does not survive a reload.
    }
  }

  // --- the DOM, inside a shadow root -------------------------------------------------------------
  function element(tag, attributes, text) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (name === "className") node.className = value;
      else node.setAttribute(name, value);
    }
    if (text !== undefined) node.textContent = text;
    return node;
  }

  const host = element("div", { id: "spine-chat-widget" });
  const root = host.attachShadow({ mode: "open" });
  root.appendChild(element("link", { rel: "stylesheet", href: assetBase + "widget.css" }));

  const launcher = element("button", {
    type: "button", className: "launcher", "aria-expanded": "false", "aria-controls": "spine-chat-panel",
  }, "Questions about your spinal implant?");
  const panel = element("section", {
    id: "spine-chat-panel", className: "panel", role: "dialog", "aria-modal": "false",
    "aria-labelledby": "spine-chat-title", hidden: "",
  });
  const header = element("header", { className: "panel__header" });
  const title = element("h2", { id: "spine-chat-title", className: "panel__title" }, "Spinal implant questions");
  const close = element("button", { type: "button", className: "panel__close", "aria-label": "Close the chat" }, "×");
  header.append(title, close);
  const note = element("p", { className: "panel__note" }, "General information, with its sources. Not a doctor. ");
  const notice = element("span", { className: "panel__notice" });
  note.appendChild(notice);

  const banner = element("section", {
    className: "banner", role: "alert", "aria-labelledby": "spine-chat-banner-title", hidden: "",
  });
  const bannerTitle = element("p", { id: "spine-chat-banner-title", className: "banner__title" });
  const bannerBody = element("p", { className: "banner__body" });
  const bannerActions = element("div", { className: "banner__actions" });
  const bannerCall = element("a", { className: "banner__call" });
  const bannerDismiss = element("button", {
    type: "button", className: "banner__dismiss", "aria-label": "Dismiss the emergency instructions",
  }, "Dismiss");
  bannerActions.append(bannerCall, bannerDismiss);
  banner.append(bannerTitle, bannerActions, bannerBody);  // the call link before the list, always in view

  const service = element("p", { className: "service", role: "status", hidden: "" },
    "Some answers are unavailable at the moment. Emergency advice still works: if you can see metal " +
    "or have a new nerve problem, say so.");
  const log = element("div", { className: "log", role: "log", "aria-live": "polite", "aria-label": "Conversation" });
  const typing = element("p", { className: "typing", hidden: "" }, "The assistant is typing…");
  const status = element("p", { className: "status", role: "status" });
  const form = element("form", { className: "composer", autocomplete: "off" });
  const label = element("label", { for: "spine-chat-message", className: "visually-hidden" }, "Your message");
  const input = element("textarea", {
    id: "spine-chat-message", rows: "2", maxlength: "2000", placeholder: "Ask a question, or tell us what you see",
  });
  const send = element("button", { type: "submit", className: "composer__send" }, "Send");
  form.append(label, input, send);
  panel.append(header, note, banner, service, log, typing, status, form);
  root.append(launcher, panel);

  // --- messages ----------------------------------------------------------------------------------
  function scrollToEnd() {
    log.scrollTop = log.scrollHeight;
  }

  function addUserMessage(text, pending) {
    const item = element("div", { className: "msg msg--user" + (pending ? " msg--pending" : "") });
    item.appendChild(element("span", { className: "msg__text" }, text));
    if (pending) item.appendChild(element("span", { className: "msg__pending" }, " (waiting to send)"));
    log.appendChild(item);
    scrollToEnd();
    return item;
  }

  function markDelivered(item) {
    if (!item) return;
    item.classList.remove("msg--pending");
    const mark = item.querySelector(".msg__pending");
    if (mark) mark.remove();
  }

  function addNote(kind, text) {
    const item = element("div", { className: "msg msg--" + kind }, text);
    log.appendChild(item);
    scrollToEnd();
  }

  function safeLink(url, text) {
    let parsed = null;
    try {
      parsed = new URL(url);
    } catch (error) {
      return null;
    }
    if (parsed.protocol !== "https:") return null;
    return element("a", { href: parsed.href, target: "_blank", rel: "noopener noreferrer" }, text);
  }

  function addBotMessage(message) {
    const kind = message.from_staff ? " msg--staff" : message.emergency ? " msg--emergency" : "";
    const item = element("div", { className: "msg msg--bot" + kind });
    // A staff member's words, written in the staff console: said so, so nobody takes them for the bot's.
    if (message.from_staff) item.appendChild(element("p", { className: "msg__from" }, "Support team"));
    item.appendChild(element("div", { className: "msg__text" }, message.text || ""));
    if (message.sources && message.sources.length) {
      const sources = element("div", { className: "sources" });
      sources.appendChild(element("p", { className: "sources__label" }, "Sources"));
      const list = element("ul", { className: "sources__list" });
      for (const source of message.sources) {
        const link = safeLink(source.url, source.publisher + ": " + source.title);
        if (link) list.appendChild(element("li")).appendChild(link);
      }
      sources.appendChild(list);
      if (message.review) sources.appendChild(element("p", { className: "sources__review" }, message.review));
      item.appendChild(sources);
    }
    if (message.buttons && message.buttons.length) {
      const buttons = element("div", { className: "buttons" });
      for (const button of message.buttons) {
        const choice = element("button", { type: "button", className: "buttons__choice" }, button.title);
        choice.addEventListener("click", () => submit(button.payload, button.title));
        buttons.appendChild(choice);
      }
      item.appendChild(buttons);
    }
    log.appendChild(item);
    scrollToEnd();
  }

  // --- the emergency banner: pinned above the conversation until dismissed --------------------
  let emergenciesSeen = 0;
  function showBanner(message) {
    const instruction = (message.text || "").split("\n\n")[0].split("\n");
    bannerTitle.textContent = instruction[0];
    bannerBody.textContent = instruction.slice(1).join("\n");
    const emergency = message.emergency || {};
    if (emergency.tel) {
      bannerCall.hidden = false;
      bannerCall.href = "tel:" + emergency.tel;
      bannerCall.textContent = "Call " + emergency.number;
    } else {
      bannerCall.hidden = true;
      bannerCall.removeAttribute("href");
    }
    banner.hidden = false;
    panel.classList.add("panel--emergency"); // the banner now carries the instruction: the reminder line steps aside
    openPanel(false);
  }
  bannerDismiss.addEventListener("click", () => {
    banner.hidden = true;
    panel.classList.remove("panel--emergency");
    save("dismissedEmergencies", emergenciesSeen);
    input.focus();
  });

  function receive(message) {
    typing.hidden = true;
    addBotMessage(message);
    if (message.emergency) {
      emergenciesSeen += 1;
      showBanner(message);
    }
  }

  function showHistory(messages) {
    log.replaceChildren();
    emergenciesSeen = 0;
    let lastEmergency = null;
    for (const message of messages) {
      if (message.sender === "user") {
        addUserMessage(message.text, false);
      } else {
        addBotMessage(message);
        if (message.emergency) {
          emergenciesSeen += 1;
          lastEmergency = message;
        }
      }
    }
    for (const queued of outbox) queued.item = addUserMessage(queued.shownAs, true);
    if (lastEmergency && emergenciesSeen > load("dismissedEmergencies", 0)) showBanner(lastEmergency);
  }

  // --- the panel ---------------------------------------------------------------------------------
  function openPanel(focus) {
    panel.hidden = false;
    launcher.setAttribute("aria-expanded", "true");
    launcher.hidden = true;
    scrollToEnd();
    if (focus) input.focus();
  }
  function closePanel() {
    panel.hidden = true;
    launcher.hidden = false;
    launcher.setAttribute("aria-expanded", "false");
    launcher.focus();
  }
  launcher.addEventListener("click", () => openPanel(true));
  close.addEventListener("click", closePanel);
  panel.addEventListener("keydown", (event) => {
    if (event.key === "Escape") closePanel();
  });

  // --- the connection ----------------------------------------------------------------------------
  let socket = null;
  let session = load("session", null);
  let historyShown = false;
  const outbox = load("outbox", []).map((queued) => ({ ...queued, item: null }));

  function saveOutbox() {
    save("outbox", outbox.map(({ id, text, shownAs }) => ({ id, text, shownAs })));
  }

  function deliver(queued) {
    if (!socket || !socket.connected || !session || queued.sending) return;
    queued.sending = true;
    const payload = {
      message: queued.text,
      session_id: session.session_id,
      session_token: session.session_token,
      metadata: { locale: locale },
    };
    socket.timeout(ACK_TIMEOUT_MS).emit("user_uttered", payload, (error, answer) => {
      queued.sending = false;
      if (error) return; // no acknowledgement: kept, and sent again on reconnect
      outbox.splice(outbox.indexOf(queued), 1);
      saveOutbox();
      if (answer && answer.error) {
        if (queued.item) queued.item.remove();
        addNote("error", answer.error + (queued.text === queued.shownAs ? " Your text is back in the box." : ""));
        if (queued.text === queued.shownAs && !input.value) input.value = queued.text;
        return;
      }
      markDelivered(queued.item);
      typing.hidden = false;
    });
  }

  function submit(text, shownAs) {
    const queued = { id: String(Date.now()) + Math.random(), text: text, shownAs: shownAs || text, item: null };
    queued.item = addUserMessage(queued.shownAs, true);
    outbox.push(queued);
    saveOutbox();
    deliver(queued);
  }

  async function fetchHistory(server) {
    const url = server + "/webhooks/socketio/history?session_id=" + encodeURIComponent(session.session_id) +
      "&locale=" + encodeURIComponent(locale);
    const response = await fetch(url, { headers: { Authorization: "Bearer " + session.session_token }, cache: "no-store" });
    if (!response.ok) throw new Error("history " + response.status);
    return (await response.json()).messages || [];
  }

  function loadScript(src) {
    return new Promise((resolve, reject) => {
      const tag = element("script", { src: src });
      tag.onload = resolve;
      tag.onerror = () => reject(new Error("cannot load " + src));
      document.head.appendChild(tag);
    });
  }

  async function settings() {
    let served = {};
    try {
      served = await (await fetch(assetBase + "config.json", { cache: "no-store" })).json();
    } catch (error) {
      served = {};
    }
    notice.textContent = served.notice || "";
    return (given.server || served.rasaUrl || "").replace(/\/+$/, "");
  }

  async function checkService() {
    try {
      const response = await fetch(assetBase + "status.json", { cache: "no-store" });
      service.hidden = (await response.json()).answersAvailable !== false;
    } catch (error) {
      service.hidden = true; // the page server itself is away; the connection status says so
    }
  }

  async function start() {
    status.textContent = "Connecting…";
    const server = await settings();
    if (!server) {
      status.textContent = "The assistant is not set up on this page (no server given).";
      return;
    }
    try {
      if (!window.io) await loadScript(assetBase + "vendor/socket.io.min.js");
    } catch (error) {
      status.textContent = "The assistant cannot be reached right now.";
      return;
    }
    socket = window.io(server, {
      path: "/socket.io",
      reconnectionDelay: 1000,
      reconnectionDelayMax: 10000,
      randomizationFactor: 0.5,
    });
    let wasConnected = false;
    socket.on("connect", () => {
      socket.emit("session_request", session || {});
    });
    socket.on("session_confirm", async (confirmed) => {
      const resumed = Boolean(confirmed && confirmed.resumed);
      session = { session_id: confirmed.session_id, session_token: confirmed.session_token };
      save("session", session);
      if (!resumed) save("dismissedEmergencies", 0);
      if (resumed && (!historyShown || wasConnected)) {
        try {
          showHistory(await fetchHistory(server));
        } catch (error) {
          addNote("error", "Earlier messages could not be shown.");
        }
      }
      historyShown = true;
      status.textContent = wasConnected ? "Reconnected." : "";
      wasConnected = true;
      for (const queued of outbox.slice()) deliver(queued);
    });
    socket.on("bot_uttered", receive);
    socket.on("bot_typing", (state) => {
      typing.hidden = !(state && state.typing);
    });
    socket.on("error_message", (problem) => {
      typing.hidden = true;
      addNote("error", (problem && problem.error) || "The assistant could not answer. Please try again.");
    });
    socket.on("disconnect", () => {
      typing.hidden = true;
      status.textContent = "Connection lost. Reconnecting… Messages you send are kept and go when it is back.";
    });
    socket.io.on("reconnect_attempt", (attempt) => {
      status.textContent = "Connection lost. Reconnecting (attempt " + attempt + ")… Messages you send are kept.";
    });
    checkService();
    window.setInterval(checkService, 15000);
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) {
      status.textContent = "Please type a message first.";
      return;
    }
    input.value = "";
    submit(text);
    input.focus();
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      form.requestSubmit();
    }
  });

  function mount() {
    document.body.appendChild(host);
    if (given.open === true || given.open === "true") openPanel(false);
    start();
  }
  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount);
})();
