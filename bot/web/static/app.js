// Web chat client: renders the views the bot pushes, sends messages, files and button presses.
(() => {
  const uid = localStorage.getItem("ima-uid") || (crypto.randomUUID ? crypto.randomUUID() : String(Math.random()).slice(2) + Date.now());
  localStorage.setItem("ima-uid", uid);
  let lang = localStorage.getItem("ima-lang") || (navigator.language.startsWith("zh") ? "zh" : "en");
  let labels = {};
  let pending = [];
  let ws;
  const log = document.getElementById("log");
  const text = document.getElementById("text");
  const files = document.getElementById("files");

  async function loadLabels() {
    labels = await (await fetch(`/locale/${lang}`)).json();
    document.documentElement.lang = lang;
    document.querySelectorAll("[data-i18n]").forEach((el) => { el.textContent = labels[el.dataset.i18n] || el.textContent; });
    document.querySelectorAll("[data-i18n-placeholder]").forEach((el) => { el.placeholder = labels[el.dataset.i18nPlaceholder] || ""; });
    document.querySelector(".attach").title = labels["web.attach"] || "";
    document.querySelectorAll(".lang").forEach((b) => b.classList.toggle("active", b.dataset.lang === lang));
  }

  function connect() {
    const proto = location.protocol === "https:" ? "wss" : "ws";
    ws = new WebSocket(`${proto}://${location.host}/ws?uid=${encodeURIComponent(uid)}`);
    ws.onmessage = (e) => { const p = JSON.parse(e.data); if (p.type === "message") render(p.id, p.view); };
    ws.onclose = () => setTimeout(connect, 1000);
  }

  function mediaEl(item) {
    const wrap = document.createElement("div");
    let el;
    if (item.kind === "image") { el = document.createElement("img"); el.alt = ""; }
    else if (item.kind === "video") { el = document.createElement("video"); el.controls = true; el.preload = "auto"; if (item.cover) el.poster = item.cover; }
    else { el = document.createElement("audio"); el.controls = true; el.preload = "auto"; }
    el.src = item.url;
    const link = document.createElement("a");
    link.href = item.url; link.target = "_blank"; link.rel = "noopener"; link.textContent = labels["web.open"] || "Open";
    wrap.append(el, link);
    return wrap;
  }

  function render(id, view) {
    let box = document.getElementById(`m-${id}`);
    if (!box) { box = document.createElement("div"); box.id = `m-${id}`; log.appendChild(box); }
    box.className = `msg bot ${view.kind}`;
    box.dataset.kind = view.kind;
    box.replaceChildren();
    const title = document.createElement("div"); title.className = "title"; title.textContent = view.title; box.appendChild(title);
    if (view.lines.length) { const body = document.createElement("div"); body.className = "lines"; body.textContent = view.lines.join("\n"); box.appendChild(body); }
    if (view.progress !== null && !view.final) {
      const bar = document.createElement("div"); bar.className = "bar"; const fill = document.createElement("div");
      fill.style.width = `${view.progress}%`; bar.appendChild(fill); box.appendChild(bar);
    }
    if (view.media.length) { const m = document.createElement("div"); m.className = "media"; view.media.forEach((i) => m.appendChild(mediaEl(i))); box.appendChild(m); }
    if (view.actions.length) {
      const row = document.createElement("div"); row.className = "actions";
      view.actions.forEach((a) => {
        const b = document.createElement("button"); b.textContent = a.detail ? `${a.label} · ${a.detail}` : a.label;
        b.className = a.style; b.type = "button";
        b.onclick = () => { b.disabled = true; ws.send(JSON.stringify({ type: "action", kind: a.kind, ref: a.ref, lang })); };
        row.appendChild(b);
      });
      box.appendChild(row);
    }
    log.scrollTop = log.scrollHeight;
  }

  function mine(t, names) {
    const box = document.createElement("div"); box.className = "msg mine";
    box.textContent = t + (names.length ? `\n📎 ${names.join(", ")}` : ""); log.appendChild(box); log.scrollTop = log.scrollHeight;
  }

  function addFiles(list) {
    for (const f of list) {
      const reader = new FileReader();
      reader.onload = () => { pending.push({ name: f.name, type: f.type, data: String(reader.result).split(",")[1] || "" }); showFiles(); };
      reader.readAsDataURL(f);
    }
  }
  function showFiles() {
    files.replaceChildren(...pending.map((p) => { const c = document.createElement("span"); c.className = "chip"; c.textContent = p.name; return c; }));
  }

  document.getElementById("composer").onsubmit = (e) => {
    e.preventDefault();
    const t = text.value.trim();
    if (!t && !pending.length) return;
    mine(t, pending.map((p) => p.name));
    ws.send(JSON.stringify({ type: "message", text: t, lang, attachments: pending }));
    text.value = ""; pending = []; showFiles();
  };
  text.addEventListener("keydown", (e) => { if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); document.getElementById("send").click(); } });
  document.getElementById("file").onchange = (e) => { addFiles(e.target.files); e.target.value = ""; };
  document.querySelectorAll(".lang").forEach((b) => b.onclick = () => { lang = b.dataset.lang; localStorage.setItem("ima-lang", lang); loadLabels(); });
  ["dragenter", "dragover"].forEach((ev) => document.addEventListener(ev, (e) => { e.preventDefault(); document.body.classList.add("dragging"); }));
  ["dragleave", "drop"].forEach((ev) => document.addEventListener(ev, (e) => { e.preventDefault(); if (ev === "drop" || e.target.id === "drop") document.body.classList.remove("dragging"); }));
  document.addEventListener("drop", (e) => { if (e.dataTransfer && e.dataTransfer.files.length) addFiles(e.dataTransfer.files); });

  loadLabels().then(connect);
})();
