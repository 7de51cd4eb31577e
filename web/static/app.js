// huifang web UI: small progressive enhancements. Every page works without
// this script; it only adds keyboard answers, live import progress and
// small conveniences in the problem-case forms.
(function () {
  "use strict";

  // A callback script's form (the call on the workbench, a letter's returned
  // form): the answers decide the path. Steps off the path are hidden and
  // their inputs disabled (the server ignores them anyway); an answer that
  // ends the call shows what that means ([data-end] notices) and relabels the
  // submit button ([data-finish], data-label-END). On a focused question
  // 1 / 2 / 3 … choose its answers and focus moves to the next question on
  // the path (then to the submit button); Enter in a typed answer moves on
  // too instead of submitting.
  function initScriptForms() {
    Array.prototype.forEach.call(document.querySelectorAll("form.script-form"), initScript);
  }

  function initScript(form) {
    var steps = Array.prototype.slice.call(form.querySelectorAll("li[data-step]"));
    var index = {};
    steps.forEach(function (li, i) { index[li.getAttribute("data-step")] = i; });
    var finish = form.querySelector("[data-finish]");
    var finishLabel = finish ? finish.textContent : "";
    var ends = {};
    Array.prototype.forEach.call(form.querySelectorAll(".script-end[data-end]"), function (el) { ends[el.getAttribute("data-end")] = el; });
    var scheduleAt = form.querySelector("[data-schedule]");

    function answerOf(li) {
      var set = li.querySelector("fieldset[data-item]");
      if (!set) return null;
      var r = set.querySelector("input[type=radio]:checked");
      if (r) return { go: r.getAttribute("data-goto"), end: r.getAttribute("data-end") };
      var t = set.querySelector("input.answer-input");
      if (t && t.value.trim() !== "") return { go: set.getAttribute("data-goto"), end: set.getAttribute("data-end") };
      return null;
    }
    function update() {
      var on = {}, end = null, i = 0;
      while (i < steps.length) {
        on[i] = true;
        var li = steps[i];
        if (!li.classList.contains("question")) { i++; continue; }
        var a = answerOf(li);
        if (!a) { for (var j = i + 1; j < steps.length; j++) on[j] = true; break; }
        if (a.end) { end = a.end; break; }
        if (a.go && index[a.go] !== undefined) { i = index[a.go]; continue; }
        i++;
      }
      steps.forEach(function (li, k) {
        var skip = !on[k];
        li.classList.toggle("skipped", skip);
        Array.prototype.forEach.call(li.querySelectorAll("input"), function (x) { x.disabled = skip; });
      });
      Object.keys(ends).forEach(function (k) { if (ends[k]) ends[k].hidden = k !== end; });
      if (scheduleAt) { scheduleAt.required = end === "reschedule"; scheduleAt.disabled = end !== "reschedule"; }
      if (finish) {
        var alt = end ? finish.getAttribute("data-label-" + end) : null;
        finish.disabled = !!end && finish.hasAttribute("data-refuse-end");
        finish.textContent = alt || finishLabel;
      }
      return end;
    }
    function questions() {
      return steps.filter(function (li) { return li.classList.contains("question") && !li.classList.contains("skipped"); });
    }
    function focusQuestion(li) {
      var x = li.querySelector("input:checked") || li.querySelector("input");
      if (x) x.focus();
    }
    function moveOn(li) {
      var end = update();
      if (end === "reschedule" && scheduleAt) { scheduleAt.focus(); return; }
      var qs = questions();
      var next = end ? null : qs[qs.indexOf(li) + 1];
      if (next) focusQuestion(next);
      else if (finish) finish.focus();
    }
    form.addEventListener("change", update);
    form.addEventListener("input", function (ev) { if (ev.target.classList.contains("answer-input")) update(); });
    form.addEventListener("keydown", function (ev) {
      if (ev.ctrlKey || ev.metaKey || ev.altKey || ev.target.tagName !== "INPUT") return;
      var li = ev.target.closest("li[data-step]");
      if (!li) return;
      if (ev.key === "Enter" && ev.target.classList.contains("answer-input")) {
        ev.preventDefault();
        moveOn(li);
        return;
      }
      if (ev.target.type !== "radio") return;
      var n = parseInt(ev.key, 10);
      var radios = li.querySelectorAll("input[type=radio]");
      if (!(n >= 1) || !radios[n - 1]) return;
      ev.preventDefault();
      radios[n - 1].checked = true;
      radios[n - 1].dispatchEvent(new Event("change", { bubbles: true }));
      moveOn(li);
    });
    update();
    // Straight after "answered" was recorded, start on the first open question.
    // Wait for the load: scrolling to #items moves the focus to the page.
    if (form.id === "items" && window.location.hash === "#items") {
      var focusFirst = function () {
        var qs = questions();
        var first = qs.find(function (li) { return !answerOf(li); }) || qs[0];
        if (first) focusQuestion(first);
      };
      if (document.readyState === "complete") {
        window.setTimeout(focusFirst, 0);
      } else {
        window.addEventListener("load", function () { window.setTimeout(focusFirst, 0); });
      }
    }
  }

  // Attempt form: choosing "another time" moves to the time field.
  function initAttempt() {
    var r = document.getElementById("outcome-reschedule");
    var at = document.getElementById("schedule-at");
    if (!r || !at) return;
    r.addEventListener("change", function () { if (r.checked) at.focus(); });
  }

  // Import progress: poll the job and move the bar; reload when it ends so
  // that the server renders the summary or the row report.
  function initJob() {
    var job = document.getElementById("job");
    if (!job) return;
    var phase = job.getAttribute("data-phase");
    if (phase === "done" || phase === "failed") return;
    var url = job.getAttribute("data-status-url");
    var bar = document.getElementById("job-progress");
    var phaseEl = document.getElementById("job-phase");
    var countEl = document.getElementById("job-count");
    var labels = document.getElementById("job-labels").content;
    var fmt = labels.querySelector("[data-progress]").textContent;
    var fmtChecked = labels.querySelector("[data-checked]").textContent;
    function label(p) {
      var el = labels.querySelector('[data-phase="' + p + '"]');
      return el ? el.textContent : p;
    }
    function poll() {
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (r) {
          if (!r.ok) throw new Error("status " + r.status);
          return r.json();
        })
        .then(function (st) {
          phaseEl.textContent = label(st.phase);
          if (st.total > 0) {
            bar.max = st.total;
            bar.value = st.done;
            countEl.textContent = fmt.replace("{done}", st.done).replace("{total}", st.total);
          } else if (st.done > 0) {
            countEl.textContent = fmtChecked.replace("{done}", st.done);
          }
          if (st.phase === "done" || st.phase === "failed") {
            window.location.reload();
            return;
          }
          window.setTimeout(poll, 400);
        })
        .catch(function () { window.setTimeout(poll, 2000); });
    }
    window.setTimeout(poll, 200);
  }

  // Problem-case action: the new phone number only for "contact details
  // re-collected"; the document is required where the action needs one.
  function initAct() {
    var kind = document.getElementById("act-kind");
    if (!kind) return;
    var phone = document.getElementById("act-phone-field");
    var file = document.getElementById("act-file");
    function sync() {
      var opt = kind.options[kind.selectedIndex];
      phone.classList.toggle("is-hidden", kind.value !== "contact-updated" && !phone.classList.contains("has-error"));
      file.required = !!(opt && opt.getAttribute("data-evidence"));
    }
    kind.addEventListener("change", sync);
    sync();
  }

  // Transfer: choosing a handler chooses their branch too.
  function initTransfer() {
    var handler = document.getElementById("transfer-handler");
    var branch = document.getElementById("transfer-branch");
    if (!handler || !branch) return;
    handler.addEventListener("change", function () {
      var opt = handler.options[handler.selectedIndex];
      var b = opt && opt.getAttribute("data-branch");
      if (b && branch.querySelector('option[value="' + b + '"]')) branch.value = b;
    });
  }

  // The board's bulk step: a box in the header ticks every case of the page.
  function initCheckAll() {
    Array.prototype.forEach.call(document.querySelectorAll("input[data-check-all]"), function (all) {
      var name = all.getAttribute("data-check-all");
      all.addEventListener("change", function () {
        Array.prototype.forEach.call(document.querySelectorAll('input[type="checkbox"][name="' + name + '"]'), function (box) {
          box.checked = all.checked;
        });
      });
    });
  }

  // Keys of the workbench and the desk (the "?" help lists them). Letters
  // work unless the focus is in a field that takes text; radios keep their
  // 1 / 2 / 3 answers. When a callback opens, the focus starts on the call
  // result (the attempt's outcomes).
  function initKeys() {
    var help = document.getElementById("keys-help");
    if (!help) return;
    function $(id) { return document.getElementById(id); }
    function usable(el) { return el && !el.disabled; }
    function click(el) { if (usable(el)) el.click(); }
    function toggleHelp(show) {
      help.hidden = show === undefined ? !help.hidden : !show;
      if (!help.hidden) help.scrollIntoView({ block: "nearest" });
    }
    Array.prototype.forEach.call(document.querySelectorAll("[data-keys-toggle]"), function (b) {
      b.addEventListener("click", function () { toggleHelp(); });
    });
    function focusOutcome() {
      var form = $("attempt");
      if (!form) return false;
      var r = form.querySelector("input[name=outcome]:checked") || form.querySelector("input[name=outcome]");
      if (r) { r.focus(); return true; }
      return false;
    }
    function focusItems() {
      var form = $("items");
      if (!form) return;
      var q = form.querySelector("li.question:not(.skipped) input");
      if (q) q.focus();
    }
    // Record: open (or close) the recording upload of the latest attempt.
    function record() {
      var forms = document.querySelectorAll("form.recupload");
      var f = forms[forms.length - 1];
      if (!f) {
        var a = $("attempt");
        if (a) { a.classList.add("flash"); focusOutcome(); }
        return;
      }
      var on = !f.classList.contains("is-active");
      f.classList.toggle("is-active", on);
      var input = f.querySelector("input[type=file]");
      if (on && input) { f.scrollIntoView({ block: "nearest" }); input.focus(); } else if (document.activeElement) document.activeElement.blur();
    }
    function typing(el) {
      if (!el || !el.tagName) return false;
      var t = el.tagName;
      if (t === "TEXTAREA" || t === "SELECT" || el.isContentEditable) return true;
      if (t !== "INPUT") return false;
      return ["radio", "checkbox", "button", "submit", "file"].indexOf(el.type) < 0;
    }
    document.addEventListener("keydown", function (ev) {
      if (ev.ctrlKey || ev.metaKey || ev.altKey || ev.defaultPrevented) return;
      if (ev.key === "Escape") {
        toggleHelp(false);
        if (document.activeElement && document.activeElement.blur) document.activeElement.blur();
        return;
      }
      if (typing(ev.target)) return;
      var done = true;
      switch (ev.key) {
        case "?": toggleHelp(); break;
        case "n": case "N": click($("take-next")); break;
        case "a": case "A": focusOutcome(); break;
        case "i": case "I": focusItems(); break;
        case "s": case "S": click($("reveal")); break;
        case "r": case "R": record(); break;
        case "f": case "F": var f = $("finish") || $("record-attempt"); if (usable(f)) f.focus(); break;
        case "u": case "U": click($("release")); break;
        case "d": case "D": if (window.location.pathname !== "/work") window.location.href = "/work"; break;
        default: done = false;
      }
      if (done) ev.preventDefault();
    });
    var attempt = $("attempt");
    if (attempt && attempt.hasAttribute("data-autofocus") && window.location.hash !== "#items") focusOutcome();
  }

  // The script editor: the checks of `script check` as one types. The form
  // is posted as it is to its data-check address (nothing is saved) and the
  // answer fills the check panel and marks the steps with problems.
  function initScriptEditor() {
    var form = document.getElementById("script-editor");
    if (!form || !window.fetch || !window.FormData) return;
    var url = form.getAttribute("data-check");
    var timer = null, seq = 0;
    function fill(list, items) {
      while (list.firstChild) list.removeChild(list.firstChild);
      items.forEach(function (text) {
        var li = document.createElement("li");
        li.textContent = text;
        list.appendChild(li);
      });
    }
    function run() {
      var mine = ++seq;
      var body = new URLSearchParams(new FormData(form));
      fetch(url, { method: "POST", body: body, credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (c) {
          if (!c || mine !== seq) return;
          var panel = document.getElementById("edit-check");
          panel.classList.toggle("is-ok", c.ok);
          panel.classList.toggle("is-missing", !c.ok);
          document.getElementById("edit-check-summary").textContent = (c.ok ? "✓ " : "✗ ") + c.summary;
          fill(document.getElementById("edit-check-problems"), c.problems || []);
          var item = panel.getAttribute("data-item") || "";
          fill(document.getElementById("edit-check-missing"), (c.missing || []).map(function (m) { return item.replace("%s", m); }));
          Array.prototype.forEach.call(form.querySelectorAll("[data-errors]"), function (ul) {
            var errs = (c.steps || {})[ul.getAttribute("data-errors")] || [];
            fill(ul, errs);
            ul.parentNode.classList.toggle("has-error", errs.length > 0);
          });
          form.setAttribute("data-checked", String(mine));
        })
        .catch(function () {});
    }
    function soon() {
      clearTimeout(timer);
      timer = setTimeout(run, 350);
    }
    form.addEventListener("input", soon);
    form.addEventListener("change", soon);
  }

  function init() {
    initKeys();
    initScriptEditor();
    initScriptForms();
    initAttempt();
    initJob();
    initAct();
    initTransfer();
    initCheckAll();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
