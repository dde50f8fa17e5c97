// The conversation page asks /api/conversations/<id> for its messages every few seconds and
// redraws the transcript, so a user's answer to a staff reply shows without a reload.
// Text goes in with textContent only, so a user's message can never become markup.
(function () {
  "use strict";
  const list = document.getElementById("transcript");
  if (!list) return;
  const pollMs = Number(list.dataset.pollMs) || 2000;
  const source = list.dataset.source;
  const names = { user: "User", bot: "Assistant", staff: "Support team" };
  let shown = list.children.length;

  function draw(turns) {
    list.replaceChildren();
    for (const turn of turns) {
      const item = document.createElement("li");
      item.className = "turn " + turn.speaker;
      const who = document.createElement("span");
      who.className = "who";
      who.textContent = names[turn.speaker] || turn.speaker;
      const at = document.createElement("time");
      at.textContent = turn.at;
      item.append(who, at);
      if (turn.intent) {
        const intent = document.createElement("small");
        intent.textContent = " (" + turn.intent + ")";
        item.appendChild(intent);
      }
      const text = document.createElement("p");
      text.textContent = turn.text == null ? "" : String(turn.text);
      item.appendChild(text);
      list.appendChild(item);
    }
  }

  async function poll() {
    try {
      const response = await fetch(source, { credentials: "same-origin", cache: "no-store" });
      if (response.status === 401) { window.location = "/login?next=" + encodeURIComponent(location.pathname); return; }
      if (response.ok) {
        const body = await response.json();
        if (body.turns.length !== shown) {
          draw(body.turns);
          shown = body.turns.length;
        }
      }
    } catch (error) {
      // The console server is restarting: the next poll tries again.
    }
    window.setTimeout(poll, pollMs);
  }
  window.setTimeout(poll, pollMs);
})();
