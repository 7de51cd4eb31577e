// huifang web UI: small progressive enhancements. Every page works without
// this script; it only adds keyboard answers, live import progress and
// small conveniences in the problem-case forms.
(function () {
  "use strict";

  // Confirmation items: on a focused item, 1 / 2 / 3 answer yes / no /
  // unclear, and focus moves on to the next item (then to the finish button).
  function initItems() {
    var form = document.getElementById("items");
    if (!form) return;
    var sets = Array.prototype.slice.call(form.querySelectorAll("fieldset[data-item]"));
    form.addEventListener("keydown", function (ev) {
      if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
      var i = ["1", "2", "3"].indexOf(ev.key);
      if (i < 0 || ev.target.tagName !== "INPUT") return;
      var set = ev.target.closest("fieldset[data-item]");
      if (!set) return;
      var radios = set.querySelectorAll("input[type=radio]");
      if (!radios[i]) return;
      ev.preventDefault();
      radios[i].checked = true;
      radios[i].dispatchEvent(new Event("change", { bubbles: true }));
      var next = sets[sets.indexOf(set) + 1];
      if (next) {
        (next.querySelector("input:checked") || next.querySelector("input[type=radio]")).focus();
      } else {
        var finish = document.getElementById("finish");
        if (finish) finish.focus();
      }
    });
    // Straight after "answered" was recorded, start on the first open item.
    // Wait for the load: scrolling to #items moves the focus to the page.
    if (window.location.hash === "#items" && sets.length) {
      var focusFirst = function () {
        var first = sets.find(function (s) { return !s.querySelector("input:checked"); }) || sets[0];
        first.querySelector("input[type=radio]").focus();
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

  function init() {
    initItems();
    initAttempt();
    initJob();
    initAct();
    initTransfer();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
