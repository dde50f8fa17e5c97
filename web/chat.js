// Website chat widget for the spinal implant assistant. No dependencies, no CDN.
// Talks to Rasa's validated REST channel: POST {rasaUrl}/webhooks/rest/webhook.
"use strict";

(function () {
  const messages = document.getElementById("messages");
  const form = document.getElementById("composer");
  const input = document.getElementById("message");
  const send = document.getElementById("send");
  const status = document.getElementById("status");

  function senderId() {
    let id = window.localStorage.getItem("spine-chat-sender");
    if (!id) {
      id = "web-" + (window.crypto && crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random());
      window.localStorage.setItem("spine-chat-sender", id);
    }
    return id;
  }

  // Text with https:// links made clickable, built from DOM nodes (never innerHTML).
  function appendLinkified(node, text) {
    const parts = text.split(/(https:\/\/[^\s)]+)/g);
    for (const part of parts) {
      if (/^https:\/\//.test(part)) {
        const link = document.createElement("a");
        link.href = part;
        link.textContent = part;
        link.target = "_blank";
        link.rel = "noopener noreferrer";
        node.appendChild(link);
      } else if (part) {
        node.appendChild(document.createTextNode(part));
      }
    }
  }

  function addMessage(kind, text) {
    const item = document.createElement("li");
    item.className = "msg msg--" + kind;
    appendLinkified(item, text);
    messages.appendChild(item);
    item.scrollIntoView({ block: "end" });
    return item;
  }

  function addButtons(buttons) {
    const item = document.createElement("li");
    item.className = "buttons";
    for (const button of buttons) {
      const element = document.createElement("button");
      element.type = "button";
      element.textContent = button.title;
      element.addEventListener("click", () => sendMessage(button.payload, button.title));
      item.appendChild(element);
    }
    messages.appendChild(item);
  }

  let rasaUrl = null;
  async function config() {
    if (rasaUrl === null) {
      const response = await fetch("config.json", { cache: "no-store" });
      const settings = await response.json();
      rasaUrl = settings.rasaUrl;
      document.getElementById("notice").textContent = settings.notice || "";
    }
    return rasaUrl;
  }
  config().catch(() => { status.textContent = "The assistant cannot be reached right now."; });

  // Say on the page when the action server (the information answers) is down.
  const service = document.getElementById("service");
  async function checkService() {
    try {
      const response = await fetch("status.json", { cache: "no-store" });
      service.hidden = (await response.json()).answersAvailable !== false;
    } catch (error) {
      service.hidden = false;
    }
  }
  checkService();
  window.setInterval(checkService, 10000);

  async function sendMessage(text, shownAs) {
    addMessage("user", shownAs || text);
    send.disabled = true;
    status.textContent = "Sending…";
    try {
      const response = await fetch((await config()) + "/webhooks/rest/webhook", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({
          sender: senderId(),
          message: text,
          metadata: { locale: navigator.language || "" },
        }),
      });
      const body = await response.json().catch(() => null);
      const replies = Array.isArray(body) ? body : (body && body.messages) || [];
      for (const reply of replies) {
        if (reply.text) addMessage("bot", reply.text);
        if (reply.buttons && reply.buttons.length) addButtons(reply.buttons);
      }
      if (!response.ok) {
        addMessage("error", (body && body.error) || "The assistant could not answer (HTTP " + response.status + "). Please try again.");
        return false;
      }
      status.textContent = "";
      return true;
    } catch (error) {
      addMessage("error", "The assistant cannot be reached right now. Your message is still in the box; please try again.");
      return false;
    } finally {
      send.disabled = false;
      if (status.textContent === "Sending…") status.textContent = "";
    }
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) {
      status.textContent = "Please type a message first.";
      return;
    }
    const delivered = await sendMessage(text);
    if (delivered) input.value = "";  // keep the text when it was not delivered
    input.focus();
  });

  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
})();
