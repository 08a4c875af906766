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
      item.textContent = text;
      log.append(item);
      log.scrollTop = log.scrollHeight;
      return item;
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
          say("approval", `Waiting for approval: ${data.action} (needs ${data.needs_role})`);
        } else if (name === "error") {
          say("error", data.message || String(data));
        } else if (name === "done" && !streamed && data && data.reply) {
          answer().textContent = data.reply;
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

  followJob();
  settleFlash();
  setUpChat();
  guardForms();
})();
