/* tpgraph query page: a small SPARQL editor, example loader and result viewer.
 *
 * Hand-written, no dependencies. The page works without this script (the editor is a plain GET form to the
 * endpoint); this script adds running queries with fetch, rendering the answers and download links.
 *
 * Every piece of data (query text, result terms, server messages) reaches the page through textContent or
 * attributes set with setAttribute; nothing is ever parsed as HTML.
 */
(function () {
  "use strict";

  var RECORD_TYPES = [
    "muscle", "group", "joint", "landmark", "nerve", "root", "region", "action", "movement", "symptom",
    "factor", "condition", "advice", "technique", "source",
  ];

  /* The prefixes the server lets queries use undeclared (tpgraph.namespaces.QUERY_PREFIXES). The page may
   * carry the authoritative map as JSON in #tpgraph-prefixes; this copy is the fallback. */
  var DEFAULT_PREFIXES = (function () {
    var map = {
      tp: "https://w3id.org/tpgraph/vocab#",
      id: "https://w3id.org/tpgraph/id/",
      rdf: "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
      rdfs: "http://www.w3.org/2000/01/rdf-schema#",
      owl: "http://www.w3.org/2002/07/owl#",
      xsd: "http://www.w3.org/2001/XMLSchema#",
      skos: "http://www.w3.org/2004/02/skos/core#",
      dcterms: "http://purl.org/dc/terms/",
      obo: "http://purl.obolibrary.org/obo/",
    };
    RECORD_TYPES.forEach(function (name) { map[name] = "https://w3id.org/tpgraph/id/" + name + "/"; });
    return map;
  })();

  var XSD_STRING = "http://www.w3.org/2001/XMLSchema#string";
  var RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString";

  var FORMATS = {
    SELECT: [["json", "JSON", ".json"], ["xml", "XML", ".xml"], ["csv", "CSV", ".csv"], ["tsv", "TSV", ".tsv"]],
    ASK: [["json", "JSON", ".json"], ["xml", "XML", ".xml"]],
    GRAPH: [["turtle", "Turtle", ".ttl"], ["ntriples", "N-Triples", ".nt"], ["jsonld", "JSON-LD", ".jsonld"],
      ["rdfxml", "RDF/XML", ".rdf"]],
  };

  var REASONS = {
    400: "Bad Request", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed", 406: "Not Acceptable",
    408: "Request Timeout", 413: "Content Too Large", 415: "Unsupported Media Type", 429: "Too Many Requests",
    500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout",
  };

  var KEYWORDS = [
    "select", "distinct", "reduced", "where", "filter", "optional", "union", "minus", "graph", "service",
    "bind", "values", "as", "order", "by", "asc", "desc", "limit", "offset", "group", "having", "prefix", "base",
    "ask", "construct", "describe", "from", "named", "not", "exists", "in", "undef", "a", "true", "false",
  ];
  var FUNCTIONS = [
    "count", "sum", "min", "max", "avg", "sample", "group_concat", "separator", "str", "lang", "langmatches",
    "datatype", "bound", "iri", "uri", "bnode", "rand", "abs", "ceil", "floor", "round", "concat", "strlen",
    "ucase", "lcase", "encode_for_uri", "contains", "strstarts", "strends", "strbefore", "strafter", "year",
    "month", "day", "hours", "minutes", "seconds", "timezone", "tz", "now", "uuid", "struuid", "md5", "sha1",
    "sha256", "sha384", "sha512", "coalesce", "if", "strlang", "strdt", "sameterm", "isiri", "isuri",
    "isblank", "isliteral", "isnumeric", "regex", "substr", "replace",
  ];
  var KEYWORD_SET = new Set(KEYWORDS);
  var FUNCTION_SET = new Set(FUNCTIONS);

  /* One pass over the query text, in source order. Comments, strings and IRIs come first so that a '#' or a
   * keyword inside them is not taken for anything else. */
  var TOKEN = new RegExp([
    "(#[^\\n]*)",                                                     // 1 comment
    "(\"\"\"[\\s\\S]*?(?:\"\"\"|$)|'''[\\s\\S]*?(?:'''|$)" +
      "|\"(?:[^\"\\\\\\n]|\\\\.)*\"?|'(?:[^'\\\\\\n]|\\\\.)*'?)",      // 2 string
    "(<[^<>\"{}|^`\\\\\\s]*>)",                                       // 3 IRI
    "([?$][A-Za-z0-9_\\u00B7\\u00C0-\\uFFFF]+)",                      // 4 variable
    "((?:[A-Za-z][\\w-]*(?:\\.[\\w-]+)*)?:(?:[\\w-]+(?:\\.[\\w-]+)*)?)", // 5 prefixed name
    "([A-Za-z_][A-Za-z0-9_]*)",                                       // 6 word
    "(\\d+(?:\\.\\d+)?(?:[eE][+-]?\\d+)?)",                           // 7 number
  ].join("|"), "g");

  var STRIP = /<[^<>"{}|^`\\\s]*>|"""[\s\S]*?(?:"""|$)|'''[\s\S]*?(?:'''|$)|"(?:[^"\\\n]|\\.)*"?|'(?:[^'\\\n]|\\.)*'?|#[^\n]*/g;

  /** The query form (SELECT, ASK, CONSTRUCT, DESCRIBE) or null when it cannot be told. */
  function queryForm(text) {
    var match = /(?:^|[^\w?$:-])(SELECT|ASK|CONSTRUCT|DESCRIBE)(?![\w:-])/i.exec(text.replace(STRIP, " "));
    return match ? match[1].toUpperCase() : null;
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (key) {
        var value = attrs[key];
        if (value === null || value === undefined || value === false) return;
        if (key === "text") node.textContent = String(value);
        else node.setAttribute(key, value === true ? "" : String(value));
      });
    }
    (children || []).forEach(function (child) {
      if (child === null || child === undefined) return;
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function plural(n, one, many) {
    return n.toLocaleString("en") + " " + (n === 1 ? one : many);
  }

  function duration(ms) {
    if (ms < 1000) return Math.max(1, Math.round(ms)) + " ms";
    return (ms / 1000).toFixed(ms < 10000 ? 2 : 1) + " s";
  }

  function bytes(n) {
    if (n < 1024) return plural(n, "byte", "bytes");
    if (n < 1024 * 1024) return (n / 1024).toFixed(1) + " KiB";
    return (n / 1024 / 1024).toFixed(1) + " MiB";
  }

  function start() {
    var app = document.getElementById("app");
    var form = document.getElementById("query-form");
    var editor = document.getElementById("query");
    if (!app || !form || !editor || !window.fetch) return; // leave the plain form alone
    document.documentElement.classList.add("js");

    var endpoint = app.getAttribute("data-endpoint") || form.getAttribute("action");
    var defaultRowCap = app.getAttribute("data-row-cap") || "";
    var codeBox = document.getElementById("code-box");
    var meta = document.getElementById("editor-meta");
    var runButton = document.getElementById("run");
    var statusBox = document.getElementById("status");
    var errorBox = document.getElementById("error");
    var notice = document.getElementById("notice");
    var downloads = document.getElementById("downloads");
    var downloadList = document.getElementById("download-links");
    var output = document.getElementById("output");
    var resultsSection = output.closest("section") || output;
    var prefixes = loadPrefixes();
    var exampleName = null;
    var controller = null;
    var tabLeaves = false;

    var cancelButton = el("button", { type: "button", "class": "secondary", hidden: true, text: "Cancel" });
    runButton.insertAdjacentElement("afterend", cancelButton);
    cancelButton.addEventListener("click", function () {
      if (controller) {
        controller.abort();
        controller = null;
        setBusy(false);
        setStatus(["Cancelled."]);
      }
    });

    /* ---------- prefixes and terms ---------- */

    function loadPrefixes() {
      var map = DEFAULT_PREFIXES;
      var script = document.getElementById("tpgraph-prefixes");
      if (script) {
        try {
          var parsed = JSON.parse(script.textContent);
          if (parsed && typeof parsed === "object") map = parsed;
        } catch (err) { /* keep the defaults */ }
      }
      // Longest namespace first, so muscle: wins over id: for a muscle IRI.
      return Object.keys(map).map(function (key) { return [key, String(map[key])]; })
        .sort(function (a, b) { return b[1].length - a[1].length; });
    }

    var LOCAL = /^[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?$/;

    function compact(iri) {
      for (var i = 0; i < prefixes.length; i++) {
        var ns = prefixes[i][1];
        if (ns && iri.lastIndexOf(ns, 0) === 0 && LOCAL.test(iri.slice(ns.length))) {
          return prefixes[i][0] + ":" + iri.slice(ns.length);
        }
      }
      return null;
    }

    function iriNode(iri) {
      var short = compact(iri);
      var label = short || iri;
      if (/^https?:\/\//i.test(iri)) {
        return el("a", { href: iri, "class": "iri", title: short ? iri : null, text: label });
      }
      return el("span", { "class": "iri", title: short ? iri : null, text: label });
    }

    function termNode(term) {
      if (!term) return null;
      switch (term.type) {
        case "uri":
          return iriNode(term.value);
        case "bnode":
          return el("span", { "class": "bnode", text: "_:" + term.value });
        case "literal":
        case "typed-literal": {
          var lang = term["xml:lang"] || term.lang;
          var datatype = term.datatype;
          var attrs = { "class": "literal", text: term.value };
          if (lang) {
            attrs["data-lang"] = "@" + lang;
            attrs.title = "language: " + lang;
          } else if (datatype && datatype !== XSD_STRING && datatype !== RDF_LANG_STRING) {
            var dt = compact(datatype) || "<" + datatype + ">";
            attrs["data-datatype"] = "^^" + dt;
            attrs.title = "datatype: " + dt;
          }
          return el("span", attrs);
        }
        case "triple": {
          var triple = term.value || {};
          return el("span", { "class": "quoted" }, [
            "<< ", termNode(triple.subject), " ", termNode(triple.predicate), " ", termNode(triple.object), " >>",
          ]);
        }
        default:
          return el("span", { text: String(term.value) });
      }
    }

    /* ---------- the editor ---------- */

    var overlay = null;
    var overlayCode = null;
    var pendingPaint = false;

    function setUpHighlighting() {
      if (!codeBox || typeof window.requestAnimationFrame !== "function") return;
      overlayCode = el("code");
      overlay = el("pre", { "class": "highlight", "aria-hidden": "true" }, [overlayCode]);
      codeBox.insertBefore(overlay, editor);
      codeBox.classList.add("enhanced");
      editor.addEventListener("scroll", syncScroll);
      paint();
    }

    function paint() {
      pendingPaint = false;
      if (!overlayCode) return;
      var text = editor.value;
      var fragment = document.createDocumentFragment();
      var last = 0;
      var match;
      TOKEN.lastIndex = 0;
      while ((match = TOKEN.exec(text)) !== null) {
        if (match[0] === "") { TOKEN.lastIndex++; continue; }
        var kind = null;
        if (match[1]) kind = "comment";
        else if (match[2]) kind = "string";
        else if (match[3]) kind = "iri";
        else if (match[4]) kind = "variable";
        else if (match[5]) kind = "pname";
        else if (match[6]) {
          var word = match[6].toLowerCase();
          kind = KEYWORD_SET.has(word) ? "keyword" : (FUNCTION_SET.has(word) ? "function" : null);
        } else if (match[7]) kind = "number";
        if (!kind) continue;
        if (match.index > last) fragment.appendChild(document.createTextNode(text.slice(last, match.index)));
        fragment.appendChild(el("span", { "class": "tok-" + kind, text: match[0] }));
        last = match.index + match[0].length;
      }
      // A final newline in a textarea starts a visible empty line; a space makes the overlay show it too.
      fragment.appendChild(document.createTextNode(text.slice(last) + (text.endsWith("\n") ? " " : "")));
      overlayCode.replaceChildren(fragment);
      syncScroll();
    }

    function syncScroll() {
      if (!overlay) return;
      // Moving the text (rather than scrolling the overlay) has no maximum, so it follows the textarea even
      // where the textarea's scrollbars give it more room to scroll than the overlay would have.
      overlayCode.style.transform = "translate(" + (-editor.scrollLeft) + "px, " + (-editor.scrollTop) + "px)";
    }

    function schedulePaint() {
      if (!overlay || pendingPaint) return;
      pendingPaint = true;
      window.requestAnimationFrame(paint);
    }

    function updateMeta() {
      if (!meta) return;
      var text = editor.value;
      var lines = text === "" ? 0 : text.split("\n").length - (text.endsWith("\n") ? 1 : 0);
      var size = new TextEncoder().encode(text).length;
      meta.textContent = plural(lines, "line", "lines") + " · " + bytes(size);
    }

    var downloadTimer = null;
    var shownDownloads = null;

    function editorChanged() {
      schedulePaint();
      updateMeta();
      window.clearTimeout(downloadTimer);
      downloadTimer = window.setTimeout(updateDownloads, 150);
    }

    function insertText(text) {
      var done = false;
      try {
        done = document.execCommand("insertText", false, text); // keeps the undo history
      } catch (err) { done = false; }
      if (!done) {
        editor.setRangeText(text, editor.selectionStart, editor.selectionEnd, "end");
        editor.dispatchEvent(new Event("input", { bubbles: true }));
      }
    }

    function indent() {
      var value = editor.value;
      var from = editor.selectionStart;
      var to = editor.selectionEnd;
      if (from !== to && value.slice(from, to).indexOf("\n") !== -1) {
        var lineStart = value.lastIndexOf("\n", from - 1) + 1;
        var block = value.slice(lineStart, to).replace(/^(?=.)/gm, "  ");
        editor.setSelectionRange(lineStart, to);
        insertText(block);
        editor.setSelectionRange(lineStart, lineStart + block.length);
      } else {
        insertText("  ");
      }
    }

    editor.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        run();
        return;
      }
      if (event.key === "Escape") {
        tabLeaves = true; // the next Tab moves focus on, as it does everywhere else
        return;
      }
      if (event.key === "Tab" && !event.shiftKey && !event.ctrlKey && !event.altKey && !event.metaKey) {
        if (tabLeaves) {
          tabLeaves = false;
          return;
        }
        event.preventDefault();
        indent();
        return;
      }
      if (event.key !== "Shift") tabLeaves = false;
    });
    editor.addEventListener("blur", function () { tabLeaves = false; });
    editor.addEventListener("input", editorChanged);

    /* ---------- examples ---------- */

    var exampleLinks = Array.prototype.slice.call(document.querySelectorAll("a.example[data-query]"));
    exampleLinks.forEach(function (link) {
      link.addEventListener("click", function (event) {
        // Let a middle click or Ctrl+click open the plain endpoint link in a new tab.
        if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
        event.preventDefault();
        loadExample(link);
      });
    });

    function loadExample(link) {
      editor.value = link.getAttribute("data-query");
      exampleName = link.getAttribute("data-name");
      exampleLinks.forEach(function (other) {
        if (other === link) other.setAttribute("aria-current", "true");
        else other.removeAttribute("aria-current");
      });
      editor.setSelectionRange(0, 0);
      editor.focus();
      editor.scrollTop = 0; // focus may have scrolled to where the caret was in the old text
      editor.scrollLeft = 0;
      editorChanged();
      updateDownloads();
      setStatus(["Loaded the example “" + link.getAttribute("data-summary") + "”. Run it with the Run query " +
        "button or Ctrl+Enter."]);
    }

    /* ---------- downloads ---------- */

    function downloadUrl(text, format) {
      var base = endpoint + (endpoint.indexOf("?") === -1 ? "?" : "&");
      return base + "query=" + encodeURIComponent(text) + "&format=" + encodeURIComponent(format);
    }

    function updateDownloads() {
      if (!downloads || !downloadList) return;
      var text = editor.value;
      if (!text.trim()) {
        downloads.hidden = true;
        downloadList.replaceChildren();
        shownDownloads = null;
        return;
      }
      var kind = queryForm(text);
      var formats = kind === "ASK" ? FORMATS.ASK
        : (kind === "CONSTRUCT" || kind === "DESCRIBE") ? FORMATS.GRAPH : FORMATS.SELECT;
      var stem = "tpgraph-" + (exampleName || "results");
      var key = stem + "\u0000" + text;
      if (key === shownDownloads) return;
      shownDownloads = key;
      downloadList.replaceChildren.apply(downloadList, formats.map(function (format) {
        return el("li", null, [el("a", {
          href: downloadUrl(text, format[0]),
          download: stem + format[2],
          "data-format": format[0],
          text: format[1],
        })]);
      }));
      downloads.hidden = false;
    }

    /* ---------- running ---------- */

    function setStatus(parts) {
      statusBox.replaceChildren.apply(statusBox, parts);
    }

    function setBusy(busy) {
      resultsSection.setAttribute("aria-busy", busy ? "true" : "false");
      runButton.disabled = busy;
      runButton.textContent = busy ? "Running…" : "Run query";
      cancelButton.hidden = !busy;
    }

    function clearResults() {
      errorBox.replaceChildren();
      notice.hidden = true;
      notice.replaceChildren();
      output.replaceChildren();
    }

    function showError(title, detail) {
      errorBox.replaceChildren(
        el("p", { "class": "error-title", text: title }),
        detail ? el("pre", { "class": "error-text", text: detail }) : null
      );
    }

    function showServerError(response, body) {
      var reason = REASONS[response.status] || response.statusText || "";
      var what = {
        400: "The server could not run this query",
        403: "The server refuses this request",
        406: "The server cannot write this answer in the wanted format",
        413: "The query is too large",
        429: "Too many queries are running",
        503: "The query took too long or the server is busy",
      }[response.status] || (response.status >= 500 ? "The server failed" : "The request failed");
      var title = what + " (HTTP " + response.status + (reason ? " " + reason : "") + ")";
      var retry = response.headers.get("Retry-After");
      if (retry) title += "; try again in " + plural(Number(retry) || 1, "second", "seconds");
      showError(title + ":", body.trim() || "(the server gave no reason)");
      setStatus(["The query failed with HTTP status " + response.status + "."]);
    }

    async function run() {
      var text = editor.value;
      if (controller) controller.abort();
      clearResults();
      updateDownloads();
      if (!text.trim()) {
        showError("The query is empty: write a query or choose an example first.");
        setStatus(["Nothing to run."]);
        return;
      }
      var kind = queryForm(text);
      var accept = (kind === "CONSTRUCT" || kind === "DESCRIBE")
        ? "text/turtle, application/sparql-results+json;q=0.5"
        : "application/sparql-results+json, text/turtle;q=0.5";
      var mine = new AbortController();
      controller = mine;
      setBusy(true);
      setStatus(["Running the query…"]);
      var started = performance.now();
      try {
        var response = await fetch(endpoint, {
          method: "POST",
          headers: {
            "Accept": accept,
            "Content-Type": "application/x-www-form-urlencoded;charset=UTF-8",
          },
          body: new URLSearchParams({ query: text }).toString(),
          signal: mine.signal,
        });
        var body = await response.text();
        var elapsed = performance.now() - started;
        if (controller !== mine) return;
        if (!response.ok) {
          showServerError(response, body);
          return;
        }
        render(response, body, elapsed);
      } catch (err) {
        if (err && err.name === "AbortError") return;
        if (controller !== mine) return;
        showError("Could not reach the server:", String((err && err.message) || err));
        setStatus(["The query failed."]);
      } finally {
        if (controller === mine) {
          controller = null;
          setBusy(false);
        }
      }
    }

    function render(response, body, elapsed) {
      var type = (response.headers.get("Content-Type") || "").split(";")[0].trim().toLowerCase();
      var truncated = response.headers.get("Tpgraph-Truncated") === "true";
      var cap = response.headers.get("Tpgraph-Row-Cap") || defaultRowCap;
      var time = " in " + duration(elapsed) + ".";
      if (type === "application/sparql-results+json" || type === "application/json") {
        var data;
        try {
          data = JSON.parse(body);
        } catch (err) {
          showError("The server's answer is not valid JSON:", String(err.message || err));
          setStatus(["The answer could not be read."]);
          return;
        }
        if (typeof data.boolean === "boolean") {
          output.replaceChildren(el("p", { "class": "boolean", id: "ask-result", text: String(data.boolean) }));
          setStatus(["ASK answered ", el("strong", { id: "row-count", text: String(data.boolean) }), time]);
        } else {
          var rows = renderTable(data);
          setStatus([el("strong", { id: "row-count", text: plural(rows, "row", "rows") }), time]);
        }
      } else {
        var lines = body === "" ? 0 : body.split("\n").length - (body.endsWith("\n") ? 1 : 0);
        output.replaceChildren(el("pre", {
          "class": "graph", id: "graph-result", tabindex: "0", "aria-label": "Graph (" + type + ")", text: body,
        }));
        setStatus(["Graph as ", type || "text", ": ", el("strong", { id: "row-count", text: plural(lines, "line", "lines") }),
          ", " + bytes(new TextEncoder().encode(body).length) + time]);
      }
      if (truncated) {
        notice.replaceChildren("The results were capped at " + Number(cap).toLocaleString("en") +
          " rows (the server's limit), so some are missing. Page through the rest with LIMIT and OFFSET.");
        notice.hidden = false;
      }
    }

    function renderTable(data) {
      var vars = (data.head && data.head.vars) || [];
      var bindings = (data.results && data.results.bindings) || [];
      var headRow = el("tr", null, vars.map(function (name) { return el("th", { scope: "col", text: name }); }));
      var tbody = el("tbody");
      var fragment = document.createDocumentFragment();
      bindings.forEach(function (binding) {
        fragment.appendChild(el("tr", null, vars.map(function (name) {
          var term = binding[name];
          return el("td", term ? null : { "class": "unbound", title: "unbound" }, [termNode(term)]);
        })));
      });
      tbody.appendChild(fragment);
      var table = el("table", { id: "result-table", "class": "results-table" }, [
        el("caption", { "class": "visually-hidden", text: "Query results: " + plural(bindings.length, "row", "rows") }),
        el("thead", null, [headRow]),
        tbody,
      ]);
      if (!vars.length) {
        output.replaceChildren(el("p", { text: "The query selects no variables." }));
      } else {
        output.replaceChildren(el("div", {
          "class": "table-wrap", role: "region", "aria-label": "Result table", tabindex: "0",
        }, [table]));
      }
      return bindings.length;
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      run();
    });

    setUpHighlighting();
    updateMeta();
    updateDownloads();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
