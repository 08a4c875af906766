// Frameline storyboard: the few things server-rendered pages cannot do alone: follow a render's
// progress, stream the assistant's reply, ask before a lock, and let messages go. Every page
// works without it.
(() => {
  "use strict";

  /** Complete Server-Sent Events in `buffer` as [name, data] pairs, and the unfinished rest. */
  function takeEvents(buffer) {
    const blocks = buffer.split(/\r?\n\r?\n/);
    const rest = blocks.pop();
    const events = [];
    for (const block of blocks) {
      let name = "message";
      const lines = [];
      for (const line of block.split(/\r?\n/)) {
        if (line.startsWith("event:")) name = line.slice(6).trim();
        else if (line.startsWith("data:")) lines.push(line.slice(5).replace(/^ /, ""));
      }
      if (!lines.length) continue;
      const text = lines.join("\n");
      try {
        events.push([name, JSON.parse(text)]);
      } catch {
        events.push([name, text]);
      }
    }
    return [events, rest];
  }

  /** A render job in progress: a bar that follows its events, then the page with the new frame. */
  function followJob() {
    const box = document.querySelector("[data-job-events]");
    if (!box) return;
    const label = box.querySelector("[data-job-text]");
    const bar = box.querySelector("[data-job-bar]");
    const source = new EventSource(box.dataset.jobEvents);
    const fail = (message) => {
      source.close();
      box.classList.add("failed");
      label.textContent = message;
    };
    source.addEventListener("progress", (event) => {
      const { step, total } = JSON.parse(event.data);
      if (!total) return;
      const percent = Math.max(4, Math.round((100 * step) / total));
      bar.style.width = `${percent}%`;
      bar.parentElement.setAttribute("aria-valuenow", String(percent));
      label.textContent = `Rendering… step ${step} of ${total}`;
    });
    source.addEventListener("error", (event) => {
      // An `error` event with data is the job's; one without is the connection retrying.
      if (event.data) fail(JSON.parse(event.data).message || "The render failed.");
    });
    source.addEventListener("done", (event) => {
      source.close();
      const job = JSON.parse(event.data);
      if (job.state !== "done") {
        fail(job.error || `The render was ${job.state}.`);
        return;
      }
      bar.style.width = "100%";
      label.textContent = "Done: loading the new frame…";
      const url = new URL(window.location.href);
      url.searchParams.delete("job");
      const made = (job.result.versions || [])[0];
      if (made && url.pathname.includes("/shots/")) url.searchParams.set("v", made.version_id);
      else if (made) url.hash = `shot-${made.shot}`;
      window.location.replace(url.toString());
    });
  }

  /** The assistant panel: opens beside the storyboard and streams each reply as it is written. */
  function setUpChat() {
    const panel = document.getElementById("chat");
    if (!panel) return;
    const toggles = document.querySelectorAll("[data-chat-toggle]");
    const log = panel.querySelector(".chat-log");
    const form = panel.querySelector("[data-chat-form]");
    const box = form.elements.text;
    const send = form.querySelector("button[type=submit]");

    const show = (open, focus) => {
      if (open) loadHistory();
      panel.hidden = !open;
      document.body.classList.toggle("chat-open", open);
      toggles.forEach((button) => button.setAttribute("aria-expanded", String(open)));
      try {
        sessionStorage.setItem("frameline-chat", open ? "open" : "");
      } catch {
        // Private windows may refuse storage; the panel still works.
      }
      if (open && focus) box.focus();
    };
    toggles.forEach((button) => button.addEventListener("click", () => show(panel.hidden, true)));
    try {
      if (sessionStorage.getItem("frameline-chat") === "open") show(true, false);
    } catch {
      // As above.
    }

    const say = (kind, text) => {
      const item = document.createElement("li");
      item.className = `msg msg-${kind}`;
      item.dataset.testid = "chat-message";
      item.textContent = text;
      log.append(item);
      log.scrollTop = log.scrollHeight;
      return item;
    };
    const label = (text) => {
      const item = document.createElement("li");
      item.className = "msg-label";
      item.textContent = text;
      log.append(item);
    };
    const decide = async (approvalId, decision, row) => {
      row.querySelectorAll("button").forEach((b) => (b.disabled = true));
      const response = await fetch(panel.dataset.approvalsUrl + approvalId, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": panel.dataset.csrf },
        body: JSON.stringify({ decision }),
      });
      const answer = await response.json().catch(() => ({}));
      if (!response.ok) {
        say("error", answer.detail || `That decision was refused (HTTP ${response.status}).`);
        row.querySelectorAll("button").forEach((b) => (b.disabled = false));
        return;
      }
      row.remove();
      say("assistant", answer.reply || `${approvalId}: ${decision === "approve" ? "approved" : "rejected"}.`);
    };
    const askApproval = (asked) => {
      const row = say("approval", `Waiting for approval: ${asked.action} (needs ${asked.needs_role}) `);
      for (const [decision, text] of [["approve", "Approve"], ["reject", "Reject"]]) {
        const button = document.createElement("button");
        button.type = "button";
        button.className = `button ${decision === "approve" ? "approve" : "quiet"}`;
        button.dataset.testid = `chat-${decision}`;
        button.textContent = text;
        button.addEventListener("click", () => decide(asked.approval_id, decision, row));
        row.append(button);
      }
    };
    let loaded = false;
    const loadHistory = async () => {
      if (loaded) return;
      loaded = true;
      try {
        const response = await fetch(panel.dataset.chatUrl, { credentials: "same-origin" });
        if (!response.ok) return;
        const history = await response.json();
        history.messages.forEach((m) => say(m.role === "user" ? "you" : "assistant", m.text));
        history.pending.forEach(askApproval);
      } catch {
        // The panel still takes new messages without its history.
      }
    };

    async function ask(text) {
      say("you", text);
      let reply = null;
      let streamed = false;
      const answer = () => reply || (reply = say("assistant", ""));
      const pending = answer();
      pending.classList.add("pending");
      const handle = ([name, data]) => {
        if (name === "token") {
          const piece = typeof data === "string" ? data : data.text ?? data.token ?? "";
          answer().textContent += piece;
          streamed = streamed || piece !== "";
        } else if (name === "tool_call") {
          say("tool", `Using ${data.name}`);
          reply = null;
        } else if (name === "approval") {
          askApproval(data);
        } else if (name === "error") {
          say("error", data.message || String(data));
        } else if (name === "done" && data) {
          if (!streamed && data.reply) answer().textContent = data.reply;
          if (data.model_kind) label(data.model_kind === "language model" ? data.model : data.model_kind);
        }
        log.scrollTop = log.scrollHeight;
      };
      try {
        const response = await fetch(panel.dataset.chatUrl, {
          method: "POST",
          credentials: "same-origin",
          headers: {
            "Content-Type": "application/json",
            Accept: "text/event-stream",
            "X-CSRF-Token": panel.dataset.csrf,
          },
          body: JSON.stringify({ text }),
        });
        if (!response.ok || !response.body) {
          throw new Error(`The assistant could not take that message (HTTP ${response.status}).`);
        }
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = "";
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          const [events, rest] = takeEvents(buffer + value);
          buffer = rest;
          events.forEach(handle);
        }
      } catch (error) {
        say("error", error.message);
      } finally {
        pending.classList.remove("pending");
        if (!pending.textContent) pending.remove();
      }
    }

    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const text = box.value.trim();
      if (!text) return;
      box.value = "";
      send.disabled = true;
      try {
        await ask(text);
      } finally {
        send.disabled = false;
        box.focus();
      }
    });
    box.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey) {
        event.preventDefault();
        form.requestSubmit();
      }
    });
  }

  /** Ask before final actions; stop double posts while a form is on its way. */
  function guardForms() {
    document.addEventListener("submit", (event) => {
      const form = event.target;
      if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
        event.preventDefault();
        return;
      }
      if (form.method === "post") {
        window.setTimeout(() => {
          form.querySelectorAll("button[type=submit]").forEach((b) => (b.disabled = true));
        });
      }
    });
  }

  /** Flash messages float over the page: good news fades, a refusal stays until clicked. */
  function settleFlash() {
    const flash = document.querySelector(".flash");
    if (!flash) return;
    const dismiss = () => {
      flash.classList.add("fading");
      window.setTimeout(() => flash.remove(), 400);
    };
    flash.addEventListener("click", dismiss);
    if (flash.classList.contains("flash-ok")) window.setTimeout(dismiss, 6000);
  }

  /** The revise dialog: the frame large, a box dragged on it in the frame's own pixels. */
  function setUpRevise() {
    const dialog = document.getElementById("revise");
    if (!dialog) return;
    const form = dialog.querySelector("[data-revise-form]");
    const image = dialog.querySelector("[data-revise-img]");
    const canvas = dialog.querySelector("canvas");
    const note = dialog.querySelector("[data-revise-box]");
    const named = dialog.querySelector("[data-revise-region]");
    const strength = dialog.querySelector("[data-revise-strength]");
    const strengthOut = dialog.querySelector("[data-revise-strength-out]");
    const corners = ["x0", "y0", "x1", "y1"].map((name) => form.elements[name]);
    let frame = { width: 1, height: 1 };
    let start = null;
    let box = null;

    const clearBox = () => {
      box = null;
      corners.forEach((input) => (input.value = ""));
      canvas.getContext("2d").clearRect(0, 0, canvas.width, canvas.height);
      note.textContent = "Drag on the frame to change only a part of it; without a box the whole frame is redrawn.";
    };
    const fitCanvas = () => {
      canvas.width = image.clientWidth;
      canvas.height = image.clientHeight;
      canvas.style.width = `${image.clientWidth}px`;
      canvas.style.height = `${image.clientHeight}px`;
    };
    /** A point of the displayed image in the frame's own pixels (the image is scaled by CSS). */
    const toFrame = (event) => {
      const rect = canvas.getBoundingClientRect();
      const x = ((event.clientX - rect.left) * frame.width) / rect.width;
      const y = ((event.clientY - rect.top) * frame.height) / rect.height;
      return [Math.min(Math.max(x, 0), frame.width), Math.min(Math.max(y, 0), frame.height)];
    };
    const draw = () => {
      const context = canvas.getContext("2d");
      context.clearRect(0, 0, canvas.width, canvas.height);
      if (!box) return;
      const sx = canvas.width / frame.width;
      const sy = canvas.height / frame.height;
      context.fillStyle = "rgba(0, 0, 0, 0.45)";
      context.fillRect(0, 0, canvas.width, canvas.height);
      context.clearRect(box[0] * sx, box[1] * sy, (box[2] - box[0]) * sx, (box[3] - box[1]) * sy);
      context.strokeStyle = "#f2b705";
      context.lineWidth = 2;
      context.strokeRect(box[0] * sx, box[1] * sy, (box[2] - box[0]) * sx, (box[3] - box[1]) * sy);
    };
    const setBox = (a, b) => {
      const x0 = Math.floor(Math.min(a[0], b[0]));
      const y0 = Math.floor(Math.min(a[1], b[1]));
      const x1 = Math.min(frame.width, Math.ceil(Math.max(a[0], b[0])));
      const y1 = Math.min(frame.height, Math.ceil(Math.max(a[1], b[1])));
      if (x1 - x0 < 2 || y1 - y0 < 2) return;
      box = [x0, y0, x1, y1];
      box.forEach((value, i) => (corners[i].value = String(value)));
      named.value = "";
      note.textContent = `Only the box ${x0},${y0} – ${x1},${y1} (pixels of the frame) changes; everything outside stays exactly as it is.`;
      draw();
    };
    canvas.addEventListener("pointerdown", (event) => {
      canvas.setPointerCapture(event.pointerId);
      start = toFrame(event);
    });
    canvas.addEventListener("pointermove", (event) => {
      if (start) setBox(start, toFrame(event));
    });
    canvas.addEventListener("pointerup", (event) => {
      if (start) setBox(start, toFrame(event));
      start = null;
    });
    named.addEventListener("change", () => {
      if (named.value) clearBox();
    });
    strength.addEventListener("input", () => (strengthOut.value = strength.value));
    dialog.querySelector("[data-revise-close]").addEventListener("click", () => dialog.close());

    const open = (button) => {
      frame = { width: Number(button.dataset.width), height: Number(button.dataset.height) };
      form.action = button.dataset.reviseUrl;
      form.elements.back.value = window.location.pathname;
      dialog.querySelector("[data-revise-id]").textContent = button.dataset.revise;
      image.onload = () => {
        fitCanvas();
        clearBox();
      };
      image.src = button.dataset.reviseImage;
      dialog.showModal();
      if (image.complete) {
        fitCanvas();
        clearBox();
      }
      form.elements.instruction.focus();
    };
    window.addEventListener("resize", () => {
      if (dialog.open) {
        fitCanvas();
        draw();
      }
    });
    document.querySelectorAll("[data-revise]").forEach((button) =>
      button.addEventListener("click", () => open(button)),
    );
    return open;
  }

  /** Arrows move between shots; R revises, A approves, L locks the shot in focus. */
  function setUpKeys(openRevise) {
    const cards = [...document.querySelectorAll("[data-testid=shot-card]")];
    const actions = document.querySelector("[data-key-actions]");
    if (!cards.length || !actions) return;
    const current = () => document.activeElement?.closest?.("[data-testid=shot-card]");
    const post = (card, status) => {
      // The server decides who may: a refusal comes back as a message on the page.
      const form = document.createElement("form");
      form.method = "post";
      form.action = actions.dataset.statusUrl.replace("VERSION", card.dataset.version);
      for (const [name, value] of [["csrf", actions.dataset.csrf], ["status", status], ["back", actions.dataset.back]]) {
        const input = document.createElement("input");
        input.type = "hidden";
        input.name = name;
        input.value = value;
        form.append(input);
      }
      document.body.append(form);
      form.submit();
    };
    document.addEventListener("keydown", (event) => {
      if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
      if (event.target.closest("input, textarea, select, dialog, [contenteditable]")) return;
      const card = current();
      const index = card ? cards.indexOf(card) : -1;
      const key = event.key;
      if (["ArrowRight", "ArrowDown", "ArrowLeft", "ArrowUp"].includes(key)) {
        const step = key === "ArrowRight" || key === "ArrowDown" ? 1 : -1;
        const next = cards[Math.min(cards.length - 1, Math.max(0, index + step))] || cards[0];
        next.focus();
        next.scrollIntoView({ block: "nearest" });
        event.preventDefault();
        return;
      }
      if (!card || !card.dataset.version) return;
      const lower = key.toLowerCase();
      if (lower === "r") {
        const button = card.querySelector("[data-revise]");
        if (button && openRevise) openRevise(button);
        event.preventDefault();
      } else if (lower === "a") {
        const button = card.querySelector("[data-testid=approve]");
        if (button) button.form.requestSubmit();
        else post(card, "approved");
        event.preventDefault();
      } else if (lower === "l") {
        const button = card.querySelector("[data-testid=lock]");
        if (button) button.form.requestSubmit();
        else post(card, "locked");
        event.preventDefault();
      }
    });
    const target = window.location.hash.startsWith("#shot-") && document.querySelector(window.location.hash);
    if (target && target.matches("[data-testid=shot-card]")) target.focus({ preventScroll: true });
  }

  /** Notes on a frame: the list, and a form that adds one without leaving the page. */
  function setUpNotes() {
    const section = document.querySelector("[data-notes-url]");
    if (!section) return;
    const list = section.querySelector("[data-note-list]");
    const form = section.querySelector("[data-note-form]");
    const show = (note) => {
      const item = document.createElement("li");
      item.className = "note-item";
      item.dataset.testid = "comment";
      const head = document.createElement("span");
      head.className = "note-head";
      head.textContent = `${note.person} (${note.role}) · ${note.at.slice(0, 16).replace("T", " ")}`;
      const text = document.createElement("p");
      text.textContent = note.text;
      item.append(head, text);
      list.append(item);
    };
    fetch(section.dataset.notesUrl, { credentials: "same-origin" })
      .then((response) => (response.ok ? response.json() : { items: [] }))
      .then((page) => page.items.forEach(show))
      .catch(() => {});
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const text = form.elements.text.value.trim();
      if (!text) return;
      const response = await fetch(section.dataset.notesUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": section.dataset.csrf },
        body: JSON.stringify({ text }),
      });
      const answer = await response.json().catch(() => ({}));
      if (response.status === 201) {
        show(answer);
        form.elements.text.value = "";
      } else {
        window.alert(answer.detail || `The note was not saved (HTTP ${response.status}).`);
      }
    });
  }

  /** Before/after: the earlier frame over the later one, cut where the slider stands. */
  function setUpSlider() {
    const slider = document.querySelector("[data-slider]");
    if (!slider) return;
    const range = slider.querySelector("[data-slider-range]");
    const before = slider.querySelector("[data-slider-before]");
    const cut = () => (before.style.clipPath = `inset(0 ${100 - Number(range.value)}% 0 0)`);
    range.addEventListener("input", cut);
    cut();
  }

  followJob();
  settleFlash();
  setUpChat();
  guardForms();
  setUpKeys(setUpRevise());
  setUpNotes();
  setUpSlider();
})();
