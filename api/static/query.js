// The SPARQL editor: runs the query against /sparql and shows a table (SELECT), a yes/no (ASK) or RDF text.
(function () {
  "use strict";
  var form = document.getElementById("query-form");
  var box = document.getElementById("query");
  var format = document.getElementById("format");
  var status = document.getElementById("status");
  var out = document.getElementById("results");
  var OURS = "https://w3id.org/crmkg/id/";

  function el(tag, text, attrs) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = text;
    for (var k in attrs || {}) node.setAttribute(k, attrs[k]);
    return node;
  }

  function cell(term) {
    var td = el("td");
    if (!term) return td;
    if (term.type === "uri") {
      var local = term.value.indexOf(OURS) === 0 ? "/id/" + term.value.slice(OURS.length) : term.value;
      td.appendChild(el("a", term.value, { href: local }));
    } else {
      td.textContent = term.value;
      if (term["xml:lang"]) td.appendChild(el("sup", "@" + term["xml:lang"]));
    }
    return td;
  }

  function table(data) {
    var t = el("table", null, { "class": "listing results" });
    var head = el("tr");
    data.head.vars.forEach(function (v) { head.appendChild(el("th", "?" + v)); });
    t.appendChild(el("thead")).appendChild(head);
    var body = t.appendChild(el("tbody"));
    data.results.bindings.forEach(function (row) {
      var tr = body.appendChild(el("tr"));
      data.head.vars.forEach(function (v) { tr.appendChild(cell(row[v])); });
    });
    return t;
  }

  function run(event) {
    event.preventDefault();
    var params = new URLSearchParams();
    params.set("query", box.value);
    if (format.value) params.set("format", format.value);
    history.replaceState(null, "", "/query?" + new URLSearchParams({ query: box.value }).toString());
    status.textContent = "running…";
    out.textContent = "";
    var started = Date.now();
    fetch("/sparql", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded",
                 "Accept": "application/sparql-results+json, text/turtle;q=0.9" },
      body: params.toString()
    }).then(function (response) {
      var type = response.headers.get("content-type") || "";
      return response.text().then(function (text) {
        var seconds = ((Date.now() - started) / 1000).toFixed(2);
        if (!response.ok) {
          var message = text;
          try { var e = JSON.parse(text).error; message = e.type + " (" + e.code + "): " + e.message; } catch (x) { /* keep text */ }
          status.textContent = "error after " + seconds + " s";
          out.appendChild(el("pre", message, { "class": "error-text" }));
          return;
        }
        if (type.indexOf("application/sparql-results+json") === 0) {
          var data = JSON.parse(text);
          if (data.boolean !== undefined) {
            status.textContent = "ASK in " + seconds + " s";
            out.appendChild(el("p", data.boolean ? "yes (true)" : "no (false)", { "class": "boolean" }));
          } else {
            status.textContent = data.results.bindings.length + " rows in " + seconds + " s";
            out.appendChild(table(data));
          }
        } else {
          status.textContent = type.split(";")[0] + " in " + seconds + " s";
          out.appendChild(el("pre", text));
        }
      });
    }).catch(function (err) {
      status.textContent = "failed: " + err;
    });
  }

  form.addEventListener("submit", run);
  box.addEventListener("keydown", function (event) {
    if ((event.ctrlKey || event.metaKey) && event.key === "Enter") run(event);
  });
})();
