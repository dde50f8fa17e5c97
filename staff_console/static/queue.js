// The queue page asks /api/queue for changes every few seconds and redraws the table.
// Text goes in with textContent only, so a user's message can never become markup.
(function () {
  "use strict";
  const table = document.getElementById("queue");
  if (!table) return;
  const body = table.tBodies[0];
  const pollMs = Number(table.dataset.pollMs) || 2000;
  const levels = { 0: "emergency", 1: "possible emergency", 2: "urgent", 3: "handoff" };
  const updated = document.getElementById("queue-updated");

  function cell(row, text) {
    const td = row.insertCell();
    td.textContent = text == null ? "" : String(text);
    return td;
  }

  function draw(items) {
    body.replaceChildren();
    if (items.length === 0) {
      const row = body.insertRow();
      row.className = "empty";
      const td = cell(row, "Nothing flagged is waiting.");
      td.colSpan = 7;
      return;
    }
    for (const item of items) {
      const row = body.insertRow();
      row.className = "severity-" + item.severity;
      const level = cell(row, levels[item.severity] || "other");
      level.appendChild(document.createElement("br"));
      const small = document.createElement("small");
      small.textContent = item.category;
      level.appendChild(small);
      const link = document.createElement("a");
      link.href = "/conversations/" + encodeURIComponent(item.sender_id);
      link.textContent = item.sender_id;
      row.insertCell().appendChild(link);
      cell(row, item.channel);
      cell(row, item.first_flagged_at);
      cell(row, item.latest_message);
      cell(row, item.open_records);
      cell(row, item.status === "acknowledged"
        ? "acknowledged by " + item.acknowledged_by + " at " + item.acknowledged_at : "new");
    }
  }

  async function poll() {
    try {
      const response = await fetch("/api/queue", { credentials: "same-origin", cache: "no-store" });
      if (response.status === 401) { window.location = "/login?next=/"; return; }
      if (response.ok) {
        draw((await response.json()).items);
        updated.textContent = "updated " + new Date().toLocaleTimeString();
      } else {
        updated.textContent = "could not update (" + response.status + "), retrying";
      }
    } catch (error) {
      updated.textContent = "console server unreachable, retrying";
    }
    window.setTimeout(poll, pollMs);
  }
  window.setTimeout(poll, pollMs);
})();
