// The page to try decisions: a form built from the published facts schema (GET
// /v1/schemas/facts, with the rule set's kinds), sent to POST /v1/explain, the answer shown in
// Chinese with the English beside. Every text from the server is put in with textContent.
"use strict";

const SEARCHABLE = 8; // code lists longer than this get a search box

function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes || {})) {
    if (value === false || value === null || value === undefined) continue;
    if (key === "text") node.textContent = value;
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function en(text) {
  return el("span", { class: "en", lang: "en", text });
}

function bilingual(zh, english) {
  const span = el("span", { class: "bi" }, el("span", { lang: "zh-CN", text: zh }));
  if (english && english !== zh) span.append(" ", en(english));
  return span;
}

function resolve(schema, root) {
  let current = schema;
  const annotations = {};
  while (current && current.$ref) {
    for (const key of ["title", "description", "default"]) {
      if (key in current && !(key in annotations)) annotations[key] = current[key];
    }
    const name = current.$ref.replace("#/$defs/", "");
    current = root.$defs[name];
  }
  return Object.assign({}, current, annotations, pick(schema, ["title", "description", "default"]));
}

function pick(object, keys) {
  const out = {};
  for (const key of keys) if (key in object) out[key] = object[key];
  return out;
}

function types(schema) {
  return Array.isArray(schema.type) ? schema.type : [schema.type];
}

// ------------------------------------------------------------------ the form

const readers = {}; // field → () => value (undefined: leave the field out)

function codeChoice(name, schema, required) {
  const select = el("select", { id: `f-${name}`, name, required });
  if (!("default" in schema)) {
    select.append(el("option", { value: "", text: "— 请选择 (choose) —" }));
  }
  for (const option of schema.oneOf) {
    const label = option.description ? `${option.title} · ${option.description}` : option.title;
    const item = el("option", { value: option.const, text: label });
    item.dataset.search = `${option.title} ${option.description || ""} ${option.const}`.toLowerCase();
    if (schema.default === option.const) item.selected = true;
    select.append(item);
  }
  const box = el("div", { class: "choice" });
  if (schema.oneOf.length > SEARCHABLE) {
    const search = el("input", {
      type: "search",
      id: `f-${name}-search`,
      class: "search",
      placeholder: "搜索：中文、English 或代码 (search)",
      autocomplete: "off",
      "aria-label": `搜索 ${schema.title} (search)`,
    });
    search.addEventListener("input", () => {
      const words = search.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
      let first = null;
      for (const item of select.options) {
        if (!item.value) continue;
        const shown = words.every((word) => item.dataset.search.includes(word));
        item.hidden = !shown;
        if (shown && first === null) first = item;
      }
      const current = select.selectedOptions[0];
      if (first !== null && (!current || current.hidden || !current.value)) first.selected = true;
    });
    box.append(search);
  }
  box.append(select);
  readers[name] = () => (select.value === "" ? undefined : select.value);
  return box;
}

function fieldFor(name, raw, root, required) {
  const schema = resolve(raw, root);
  const kinds = types(schema);
  const label = el(
    "label",
    { for: `f-${name}`, class: "label" },
    el("span", { lang: "zh-CN", text: schema.title || name }),
    required ? el("abbr", { title: "必填 (required)", text: " *" }) : null,
  );
  const help = el("p", { class: "help en", lang: "en" }, el("code", { text: name }), " ", schema.description || "");
  const row = el("div", { class: "field", id: `row-${name}` });
  if (schema.oneOf) {
    row.append(label, codeChoice(name, schema, required), help);
  } else if (kinds.includes("boolean")) {
    const box = el("input", { type: "checkbox", id: `f-${name}`, name, checked: schema.default === true });
    readers[name] = () => box.checked;
    row.classList.add("check");
    row.append(el("div", { class: "checkline" }, box, label), help);
  } else if (kinds.includes("array")) {
    const items = resolve(schema.items, root);
    const group = el("fieldset", { class: "group", id: `f-${name}` }, el("legend", { class: "label" }, el("span", { text: schema.title })));
    const boxes = items.oneOf.map((option) => {
      const box = el("input", { type: "checkbox", value: option.const, id: `f-${name}-${option.const}` });
      group.append(el("label", { class: "option", for: box.id }, box, bilingual(option.title, option.description)));
      return box;
    });
    readers[name] = () => boxes.filter((box) => box.checked).map((box) => box.value);
    row.append(group, help);
  } else if (schema.format === "date") {
    const input = el("input", { type: "date", id: `f-${name}`, name, required });
    readers[name] = () => input.value || undefined;
    row.append(label, input, help);
  } else if (kinds.includes("number")) {
    const input = el("input", { type: "number", id: `f-${name}`, name, min: schema.minimum, max: schema.maximum, step: "any", inputmode: "decimal" });
    readers[name] = () => (input.value === "" ? undefined : Number(input.value));
    row.append(label, input, help);
  } else {
    const input = el("input", { type: "text", id: `f-${name}`, name, maxlength: schema.maxLength });
    readers[name] = () => input.value || undefined;
    row.append(label, input, help);
  }
  return row;
}

function buildForm(schema) {
  const fields = document.getElementById("fields");
  fields.replaceChildren();
  const required = new Set(schema.required || []);
  for (const [name, property] of Object.entries(schema.properties)) {
    fields.append(fieldFor(name, property, schema, required.has(name)));
  }
}

function facts() {
  const data = {};
  for (const [name, read] of Object.entries(readers)) {
    const value = read();
    if (value !== undefined) data[name] = value;
  }
  return data;
}

// ------------------------------------------------------------------ the answer

function term(item) {
  return item ? bilingual(item.zh, item.en) : "—";
}

function list(items, render) {
  if (!items.length) return el("span", {}, "无 ", en("none"));
  const ul = el("ul");
  for (const item of items) ul.append(el("li", {}, render(item)));
  return ul;
}

function citationName(c) {
  let zh = `${c.law.zh} 第${c.article}条`;
  let english = `${c.law.en}, Art. ${c.article}`;
  if (c.paragraph !== null) {
    zh += `第${c.paragraph}款`;
    english += ` ¶${c.paragraph}`;
  }
  if (c.item !== null) {
    zh += `第（${c.item}）项`;
    english += ` item ${c.item}`;
  }
  return bilingual(`${zh}（${c.version}）`, english);
}

function showDecision(answer) {
  const x = answer.explanation;
  const result = document.getElementById("result");
  const rows = [
    ["违法行为", "violation", term(x.kind)],
    ["适用法律版本", "law version applied", el("span", {}, bilingual(x.law_version.law.zh, x.law_version.law.en), ` (${x.law_version.from})`)],
    ["现场处理措施", "on-site measures", list(x.measures, term)],
    ["行政处罚", "penalties", list(x.penalties, term)],
    ["罚款", "fines", list(x.fines, (f) => el("span", {}, bilingual(`${f.target.zh}：${f.zh}`, `${f.target.en}: ${f.en}`)))],
    ["处罚依据", "penalty basis", term(x.penalty_basis)],
    ["处罚调整", "penalty adjustment", term(x.penalty_adjustment)],
    ["程序", "procedure", term(x.procedure)],
    ["听证", "hearing", term(x.hearing)],
    ["按日连续处罚", "daily fine", x.daily_fine ? bilingual("可以适用", "may follow") : bilingual("否", "no")],
    ["主管科室", "section", term(x.section)],
  ];
  const summary = el("dl", { class: "summary" });
  for (const [zh, english, value] of rows) {
    summary.append(el("dt", {}, bilingual(zh, english)), el("dd", {}, value));
  }
  const citations = el("ol", { class: "citations" });
  for (const c of x.legal_basis) {
    const head = el("p", { class: "cite" }, citationName(c));
    if (c.catalogue) head.append(" ", el("a", { href: c.catalogue, text: "目录 (catalogue)" }));
    citations.append(el("li", {}, head, el("blockquote", { lang: "zh-CN", text: c.text_zh })));
  }
  const trace = el("ol", { class: "trace" });
  for (const r of x.rules) {
    const id = r.catalogue ? el("a", { href: r.catalogue, class: "rule-link" }, el("code", { text: r.rule_id })) : el("code", { text: r.rule_id });
    trace.append(
      el(
        "li",
        {},
        el("p", {}, id, " ", el("span", { text: r.title })),
        el("p", { class: "because" }, bilingual("条件", "because"), "： ", el("code", { text: r.because })),
        r.citations.length ? el("p", {}, bilingual("依据", "cites"), "： ", r.citations.join("; ")) : null,
        el("p", { class: "where" }, bilingual("文件", "file"), `： ${r.file}:${r.line} [${r.review}]`),
        r.not_applied ? el("p", { class: "not-applied" }, bilingual("未适用", "not applied"), `： ${r.not_applied}`) : null,
      ),
    );
  }
  const notes = x.notes.length ? [el("h3", {}, bilingual("备注", "notes")), list(x.notes, (n) => n)] : [];
  const json = el("details", {}, el("summary", {}, bilingual("决定的 JSON", "the decision as JSON")), el("pre", { text: JSON.stringify(answer.decision, null, 2) }));
  result.replaceChildren(
    el("h2", {}, bilingual("处理决定", "Decision")),
    summary,
    el("h3", {}, bilingual("法律依据", "legal basis")),
    citations,
    el("h3", {}, bilingual("触发的规则", "rules fired (trace)")),
    trace,
    ...notes,
    json,
  );
  result.hidden = false;
}

function showErrors(errors) {
  const box = document.getElementById("errors");
  for (const row of document.querySelectorAll(".field.invalid")) row.classList.remove("invalid");
  const items = el("ul");
  for (const error of errors) {
    items.append(el("li", {}, error.field ? el("code", { text: error.field }) : null, error.field ? " " : null, error.message));
    const row = error.field && document.getElementById(`row-${error.field}`);
    if (row) row.classList.add("invalid");
  }
  box.replaceChildren(el("h2", {}, bilingual("输入有误", "the facts need correcting")), items);
  box.hidden = false;
}

async function submit(event) {
  event.preventDefault();
  const button = document.getElementById("decide");
  button.disabled = true;
  document.getElementById("errors").hidden = true;
  try {
    const response = await fetch("/v1/explain?lang=both", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(facts()),
    });
    const answer = await response.json();
    if (response.ok) {
      for (const row of document.querySelectorAll(".field.invalid")) row.classList.remove("invalid");
      showDecision(answer);
      document.getElementById("result").scrollIntoView({ block: "start" });
    } else {
      document.getElementById("result").hidden = true;
      showErrors(answer.errors || [{ field: null, message: `HTTP ${response.status}` }]);
    }
  } catch (error) {
    showErrors([{ field: null, message: `服务无应答 (the service did not answer): ${error}` }]);
  } finally {
    button.disabled = false;
  }
}

async function start() {
  const [schema, version] = await Promise.all([
    fetch("/v1/schemas/facts").then((r) => r.json()),
    fetch("/v1/version").then((r) => r.json()),
  ]);
  buildForm(schema);
  document.getElementById("facts").addEventListener("submit", submit);
  document.getElementById("decide").disabled = false;
  document.getElementById("version").replaceChildren(
    bilingual("规则集", "rule set"),
    ` ${version.rules_digest} · enforcement-rules ${version.library_version}`,
  );
}

document.addEventListener("DOMContentLoaded", () => {
  start().catch((error) => showErrors([{ field: null, message: `页面载入失败 (the page did not load): ${error}` }]));
});
