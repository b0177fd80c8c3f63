// Web chat client: renders the views the bot pushes, sends messages, files and button presses;
// the gallery and settings pages ask the bot over the same socket.
(() => {
  const newId = () => (crypto.randomUUID ? crypto.randomUUID() : String(Math.random()).slice(2) + Date.now());
  const uid = localStorage.getItem("ima-uid") || newId();
  localStorage.setItem("ima-uid", uid);
  let lang = localStorage.getItem("ima-lang") || (navigator.language.startsWith("zh") ? "zh" : "en");
  let labels = {};
  let pending = [];
  let ws;
  let page = "chat";
  let account = null;
  let stick = true; // keep the newest message in view unless the reader scrolled up
  const log = document.getElementById("log");
  const text = document.getElementById("text");
  const files = document.getElementById("files");
  const narrow = window.matchMedia("(max-width: 600px)");
  const L = (key, fallback) => labels[key] || fallback || "";
  const el = (tag, cls, content) => { const e = document.createElement(tag); if (cls) e.className = cls; if (content !== undefined) e.textContent = content; return e; };

  async function loadLabels() {
    labels = await (await fetch(`/locale/${lang}`)).json();
    document.documentElement.lang = lang;
    document.querySelectorAll("[data-i18n]").forEach((e) => { e.textContent = labels[e.dataset.i18n] || e.textContent; });
    document.querySelectorAll("[data-i18n-label]").forEach((e) => { e.setAttribute("aria-label", labels[e.dataset.i18nLabel] || e.getAttribute("aria-label")); });
    document.getElementById("attach").title = L("web.attach");
    document.querySelectorAll(".lang").forEach((b) => { b.classList.toggle("active", b.dataset.lang === lang); b.setAttribute("aria-pressed", String(b.dataset.lang === lang)); });
    placeholder();
    showAccount();
    if (page !== "chat") ask({ type: page });
  }

  // The placeholder must be readable in full: a shorter one on phones, and the box grows to fit it.
  function placeholder() {
    text.placeholder = (narrow.matches && labels["web.placeholder_short"]) || L("web.placeholder");
    fit();
  }
  function fit() {
    const empty = !text.value;
    if (empty) text.value = text.placeholder;
    text.style.height = "auto";
    text.style.height = `${text.scrollHeight + text.offsetHeight - text.clientHeight}px`;
    if (empty) text.value = "";
  }

  function connect() {
    const proto = location.protocol === "https:" ? "wss" : "ws";
    // the access and admin tokens travel in the page's #fragment (never sent to a server by the browser)
    const auth = new URLSearchParams(location.hash.slice(1));
    const extra = ["key", "admin"].filter((k) => auth.get(k)).map((k) => `&${k}=${encodeURIComponent(auth.get(k))}`).join("");
    ws = new WebSocket(`${proto}://${location.host}/ws?uid=${encodeURIComponent(uid)}${extra}`);
    ws.onopen = () => { ask({ type: "account" }); if (page !== "chat") ask({ type: page }); };
    ws.onmessage = (e) => receive(JSON.parse(e.data));
    ws.onclose = () => setTimeout(connect, 1000);
  }
  function ask(data) { if (ws && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ ...data, lang })); }

  function receive(p) {
    if (p.type === "message") {
      render(p.id, p.view, p.answered);
      if (p.view.kind === "result") { ask({ type: "account" }); if (page === "gallery") ask({ type: "gallery" }); }
    } else if (p.type === "mine") mine(p.id, p.text, p.files);
    else if (p.type === "answered") answered(document.getElementById(`m-${p.id}`));
    else if (p.type === "account") { account = p; showAccount(); }
    else if (p.type === "gallery") showGallery(p.items);
    else if (p.type === "settings") showSettings(p.menus, p.notice);
  }

  // ── chat ────────────────────────────────────────────────────────────────────────────────
  let autoTop = -1; // where we last scrolled to ourselves: that scroll event is not the reader's
  function scrollDown() { if (stick) { log.scrollTop = log.scrollHeight; autoTop = log.scrollTop; } }
  log.addEventListener("scroll", () => {
    if (Math.abs(log.scrollTop - autoTop) < 2) return;
    stick = log.scrollHeight - log.scrollTop - log.clientHeight < 40;
  });

  function mediaEl(item) {
    const wrap = el("div");
    let m;
    if (item.kind === "image") { m = el("img"); m.alt = L("web.result_image"); m.addEventListener("load", scrollDown); }
    else {
      m = el(item.kind === "video" ? "video" : "audio"); m.controls = true; m.preload = "auto";
      if (item.cover) m.poster = item.cover;
      m.setAttribute("aria-label", L(item.kind === "video" ? "web.result_video" : "web.result_audio"));
      m.addEventListener("loadedmetadata", scrollDown); m.addEventListener("loadeddata", scrollDown);
    }
    m.src = item.url;
    const link = el("a", "", L("web.open", "Open"));
    link.href = item.url; link.target = "_blank"; link.rel = "noopener";
    wrap.append(m, link);
    return wrap;
  }

  function buttons(actions, msgId) {
    const row = el("div", "actions");
    actions.forEach((a) => {
      const b = el("button", a.style, a.detail ? `${a.label} · ${a.detail}` : a.label);
      b.type = "button";
      b.onclick = () => {
        const box = b.closest(".msg");
        if (box) answered(box);
        b.disabled = true;
        ask({ type: "action", kind: a.kind, ref: a.ref, msg: msgId || "" });
        if (page !== "chat") show("chat");
      };
      row.appendChild(b);
    });
    return row;
  }
  function answered(box) { if (box) box.querySelectorAll(".actions button").forEach((b) => { b.disabled = true; }); }

  function render(id, view, done) {
    let box = document.getElementById(`m-${id}`);
    if (!box) { box = el("div"); box.id = `m-${id}`; log.appendChild(box); }
    box.className = `msg bot ${view.kind}`;
    box.dataset.kind = view.kind;
    box.lang = view.language;
    box.replaceChildren(el("div", "title", view.title));
    if (view.lines.length) box.appendChild(el("div", "lines", view.lines.join("\n")));
    if (view.progress !== null && !view.final) {
      const bar = el("div", "bar"); const fill = el("div");
      bar.setAttribute("role", "progressbar"); bar.setAttribute("aria-valuemin", "0"); bar.setAttribute("aria-valuemax", "100");
      bar.setAttribute("aria-valuenow", String(view.progress)); bar.setAttribute("aria-label", view.title);
      fill.style.width = `${view.progress}%`; bar.appendChild(fill); box.appendChild(bar);
    }
    if (view.media.length) { const m = el("div", "media"); view.media.forEach((i) => m.appendChild(mediaEl(i))); box.appendChild(m); }
    if (view.actions.length) box.appendChild(buttons(view.actions, id));
    if (done) answered(box);
    scrollDown();
  }

  function mine(id, t, names) {
    if (document.getElementById(`m-${id}`)) return;
    const box = el("div", "msg mine", t + (names.length ? `\n📎 ${names.join(", ")}` : ""));
    box.id = `m-${id}`;
    log.appendChild(box);
    stick = true;
    scrollDown();
  }

  function addFiles(list) {
    for (const f of list) {
      const reader = new FileReader();
      reader.onload = () => { pending.push({ name: f.name, type: f.type, data: String(reader.result).split(",")[1] || "" }); showFiles(); };
      reader.readAsDataURL(f);
    }
  }
  function showFiles() { files.replaceChildren(...pending.map((p) => el("span", "chip", p.name))); }

  document.getElementById("composer").onsubmit = (e) => {
    e.preventDefault();
    const t = text.value.trim();
    if (!t && !pending.length) return;
    const id = newId();
    mine(id, t, pending.map((p) => p.name));
    ask({ type: "message", id, text: t, attachments: pending });
    text.value = ""; pending = []; showFiles(); fit();
  };
  text.addEventListener("keydown", (e) => { if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); document.getElementById("send").click(); } });
  text.addEventListener("input", fit);
  document.getElementById("attach").onclick = () => document.getElementById("file").click();
  document.getElementById("file").onchange = (e) => { addFiles(e.target.files); e.target.value = ""; };
  document.querySelectorAll(".lang").forEach((b) => { b.onclick = () => { lang = b.dataset.lang; localStorage.setItem("ima-lang", lang); loadLabels(); }; });
  ["dragenter", "dragover"].forEach((ev) => document.addEventListener(ev, (e) => { e.preventDefault(); document.body.classList.add("dragging"); }));
  ["dragleave", "drop"].forEach((ev) => document.addEventListener(ev, (e) => { e.preventDefault(); if (ev === "drop" || e.target.id === "drop") document.body.classList.remove("dragging"); }));
  document.addEventListener("drop", (e) => { if (e.dataTransfer && e.dataTransfer.files.length) addFiles(e.dataTransfer.files); });
  narrow.addEventListener("change", placeholder);
  window.addEventListener("resize", fit);

  // ── header: pages and today's spending ──────────────────────────────────────────────────
  function show(name) {
    page = name;
    document.body.dataset.page = name;
    document.querySelectorAll(".page").forEach((p) => { p.hidden = p.dataset.page !== name; });
    document.querySelectorAll(".tab").forEach((t) => t.setAttribute("aria-pressed", String(t.dataset.page === name)));
    if (name === "chat") { stick = true; scrollDown(); } else ask({ type: name });
  }
  document.querySelectorAll(".tab").forEach((t) => { t.onclick = () => show(t.dataset.page); });

  function showAccount() {
    const spend = document.getElementById("spend");
    if (!account) { spend.textContent = ""; return; }
    const template = account.allowance ? L("web.spend_limit", "Today: {today} / {allowance} credits") : L("web.spend", "Today: {today} credits");
    spend.textContent = template.replace("{today}", account.today).replace("{allowance}", account.allowance);
    spend.classList.toggle("over", Boolean(account.allowance) && account.today >= account.allowance);
  }

  // ── gallery ─────────────────────────────────────────────────────────────────────────────
  function showGallery(items) {
    const grid = document.getElementById("grid");
    document.getElementById("gallery-empty").hidden = items.length > 0;
    const when = new Intl.DateTimeFormat(lang === "zh" ? "zh-CN" : "en", { dateStyle: "medium", timeStyle: "short" });
    grid.replaceChildren(...items.map((item) => {
      const card = el("li", `card ${item.media}`);
      const media = el("div", "media");
      item.items.slice(0, 1).forEach((i) => media.appendChild(mediaEl(i)));
      const meta = el("div", "meta");
      meta.append(el("p", "prompt", item.prompt || "—"));
      const facts = el("p", "facts");
      facts.append(el("span", "model", item.model), el("span", "credits", L("web.credits", "{credits} credits").replace("{credits}", item.credits)));
      const date = el("time", "date", when.format(new Date(item.created_at * 1000)));
      date.dateTime = new Date(item.created_at * 1000).toISOString();
      facts.append(date);
      meta.append(facts, buttons(item.actions, ""));
      card.append(media, meta);
      return card;
    }));
  }

  // ── settings ────────────────────────────────────────────────────────────────────────────
  function showSettings(menus, notice) {
    const form = document.getElementById("prefs");
    const focused = document.activeElement && document.activeElement.id;
    form.replaceChildren(...menus.map((menu) => {
      const row = el("div", "pref");
      const id = `pref-${menu.category}`;
      const label = el("label", "", menu.label); label.htmlFor = id;
      const select = el("select"); select.id = id; select.dataset.category = menu.category;
      const auto = el("option", "", L("web.recommended", "Recommended ({model})").replace("{model}", menu.default)); auto.value = "";
      select.appendChild(auto);
      menu.options.forEach((o) => { const opt = el("option", "", `${o.name} · ${o.price}`); opt.value = o.key; select.appendChild(opt); });
      select.value = menu.saved || "";
      select.onchange = () => ask({ type: "choose_model", category: menu.category, key: select.value || null });
      row.append(label, select);
      return row;
    }));
    if (focused && focused.startsWith("pref-") && document.getElementById(focused)) document.getElementById(focused).focus();
    if (notice) document.getElementById("settings-status").textContent = notice.text;
  }

  show("chat");
  loadLabels().then(connect);
})();
