/// Static assets served from memory (no inline styles or scripts: the CSP forbids them).
public enum Assets {
    public static let css = """
        :root{--ink:#1d2430;--muted:#5b6474;--line:#d9dee7;--bg:#f6f7fb;--card:#fff;--brand:#3b4cca;--brand-ink:#fff;
        --ok:#1f7a45;--err:#b3261e;--info:#2957a4;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
        *{box-sizing:border-box}body{margin:0;background:var(--bg);color:var(--ink);line-height:1.5}
        a{color:var(--brand)}a:focus,button:focus,input:focus,select:focus{outline:3px solid #ffb300;outline-offset:1px}
        .topbar{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem 1.25rem;padding:.6rem 1rem;background:var(--card);border-bottom:1px solid var(--line)}
        .brand{font-weight:700;font-size:1.15rem;text-decoration:none;color:var(--brand)}
        .topbar nav ul{list-style:none;display:flex;flex-wrap:wrap;gap:.25rem 1rem;margin:0;padding:0}
        .topbar nav a{text-decoration:none;color:var(--ink)}.topbar nav a[aria-current=page]{font-weight:700;border-bottom:2px solid var(--brand)}
        .who{margin-left:auto;display:flex;gap:.75rem;align-items:center}
        main{max-width:72rem;margin:0 auto;padding:1rem}
        h1{font-size:1.5rem;margin:.5rem 0}.lead{color:var(--muted);margin-top:0}
        .card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:1rem;margin:1rem 0}
        .card h2{font-size:1.1rem;margin-top:0}.grid{display:grid;gap:1rem;grid-template-columns:repeat(auto-fit,minmax(16rem,1fr))}
        form.inline{display:inline}.field{margin:.75rem 0}label{display:block;font-weight:600;margin-bottom:.2rem}
        input[type=text],input[type=email],input[type=password],input[type=search],input[type=date],select{width:100%;max-width:28rem;padding:.5rem;border:1px solid var(--line);border-radius:6px;font:inherit}
        fieldset.checks{border:1px solid var(--line);border-radius:6px;max-width:28rem}.check{display:flex;gap:.5rem;align-items:center}.check label{font-weight:400;margin:0}
        button{font:inherit;padding:.5rem 1rem;border-radius:6px;border:0;background:var(--brand);color:var(--brand-ink);cursor:pointer}
        button.link{background:none;color:var(--brand);padding:0;text-decoration:underline}button.danger{background:var(--err)}
        .hint{color:var(--muted);font-size:.9rem;margin:.2rem 0}.field-error{color:var(--err);font-size:.9rem;margin:.2rem 0}
        .flash{padding:.6rem .8rem;border-radius:6px;border:1px solid}.flash.success{color:var(--ok);background:#e8f5ec}.flash.error{color:var(--err);background:#fbeaea}.flash.info{color:var(--info);background:#e9f0fb}
        .table-wrap{overflow-x:auto;background:var(--card);border:1px solid var(--line);border-radius:8px}
        table{border-collapse:collapse;width:100%}caption{text-align:left;padding:.5rem .75rem;color:var(--muted)}
        th,td{text-align:left;padding:.45rem .75rem;border-top:1px solid var(--line);vertical-align:top}th{background:#eef1f7;font-size:.9rem}
        .badge{display:inline-block;background:#eef1f7;border:1px solid var(--line);border-radius:99px;padding:0 .5rem;font-size:.8rem;margin:0 .2rem .2rem 0}
        form[data-confirm]{margin:1rem 0}.empty{color:var(--muted);font-style:italic}.pager{margin:1rem 0}
        .secret{background:#fff8e1;border:1px solid #f0c36d;border-radius:6px;padding:.75rem;margin:1rem 0}.secret code{word-break:break-all;font-size:1rem}
        .filters{display:flex;flex-wrap:wrap;gap:0 1rem;align-items:flex-end}.filters .field{min-width:10rem}
        dl.details{display:grid;grid-template-columns:minmax(8rem,max-content) 1fr;gap:.35rem 1rem;margin:0}dl.details dt{font-weight:600;color:var(--muted)}dl.details dd{margin:0;overflow-wrap:anywhere}
        .narrow{max-width:28rem}textarea{width:100%;max-width:40rem;padding:.5rem;border:1px solid var(--line);border-radius:6px;font:inherit}
        .visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
        fieldset.builder{border:1px solid var(--line);border-radius:6px;max-width:48rem}ol.conditions{padding-left:1.25rem}
        li.condition{display:flex;flex-wrap:wrap;gap:.4rem;align-items:center;margin:.4rem 0}li.condition select,li.condition input{width:auto;max-width:100%;min-width:0;flex:1 1 8rem;padding:.4rem;border:1px solid var(--line);border-radius:6px;font:inherit}
        button.secondary{background:#eef1f7;color:var(--ink);border:1px solid var(--line)}.actions{display:flex;flex-wrap:wrap;gap:.5rem;margin:1rem 0}.stat{font-size:2rem;font-weight:700}
        img.cover{display:block;max-width:100%;max-height:22rem;object-fit:cover;border-radius:8px;margin:.5rem 0}.calendar-nav{margin:.5rem 0}table.calendar.month{table-layout:fixed;min-width:48rem}table.calendar td.day{height:7rem;padding:.3rem}
        table.calendar .other-month{background:#fafbfd;color:var(--muted)}table.calendar .today .num{background:var(--brand);color:#fff;border-radius:99px;padding:0 .4rem}
        .day-head{display:flex;justify-content:space-between;gap:.25rem;font-size:.85rem}.calendar ul{list-style:none;margin:.2rem 0;padding:0}
        .calendar li.entry{font-size:.82rem;margin:.15rem 0;padding:.1rem .3rem;border-left:3px solid var(--info);background:#f2f5fb;border-radius:3px;overflow-wrap:anywhere}
        .entry.state-published,.entry.state-archived{border-left-color:var(--ok)}.entry.priority-critical{border-left-color:var(--err)}.entry[draggable=true]{cursor:grab}
        .entry-meta{color:var(--muted);font-size:.75rem}.load{font-size:.75rem;color:var(--muted)}.load-busy .load{color:#7a4f00;font-weight:600}.load-heavy .load{color:var(--err);font-weight:700}
        td.load-heavy{background:#fdf0ef}td.load-busy{background:#fff8e6}.drop-target{outline:3px dashed var(--brand)}a.more{font-size:.8rem}
        .calendar.week section.day{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:.5rem 1rem;margin:.75rem 0}.calendar.week h3{margin:.2rem 0;font-size:1rem}
        article.thread{border-left:3px solid var(--info);padding:.3rem .8rem;margin:.8rem 0}article.thread.resolved{border-left-color:var(--line);opacity:.8}
        .reply{margin-left:1.5rem;border-left:2px solid var(--line);padding-left:.7rem}.comment-meta{color:var(--muted);font-size:.85rem;margin:.2rem 0}.comment-body p{margin:.3rem 0}
        .diff ins{background:#e3f7e8;text-decoration:none;border-bottom:2px solid var(--ok)}.diff del{background:#fde8e6;text-decoration:line-through}
        pre.diff-lines{white-space:pre-wrap;overflow-wrap:anywhere;background:#fafbfd;border:1px solid var(--line);border-radius:6px;padding:.5rem}pre.diff-lines ins,pre.diff-lines del{display:block}
        .diff-field h3{font-size:.95rem;margin:.8rem 0 .2rem}span.unread{font-weight:600}
        form.reschedule{display:inline-flex;flex-wrap:wrap;gap:.4rem;align-items:center;margin-left:.5rem}form.reschedule input{padding:.2rem;border:1px solid var(--line);border-radius:4px;font:inherit}
        @media (max-width:40rem){.who{margin-left:0;width:100%}main{padding:.75rem}dl.details{grid-template-columns:1fr}dl.details dd{margin-bottom:.4rem}}
        .feed,.feed-post,.reactions,.ack{max-width:40rem;margin-left:auto;margin-right:auto}
        .feed-card{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:.8rem 1rem;margin:.8rem 0}
        .feed-card.critical{border-left:5px solid var(--err)}.feed-card h2{font-size:1.1rem;margin:.1rem 0}.feed-card h2 a{text-decoration:none;color:var(--ink)}
        .feed-card .meta,.feed-post .meta{color:var(--muted);font-size:.85rem;margin:.2rem 0}.feed-card p{margin:.3rem 0}
        .priority-critical{background:#fde8e7;border-color:var(--err);color:var(--err)}.priority-important{background:#fff4d6}
        .ack-needed{background:#fff4d6;border-color:#c98a00}.ack-done{background:#e6f4ea;border-color:var(--ok)}
        .reaction{font-size:.9rem;margin-right:.4rem}.reaction.mine{font-weight:700}
        .feed-search{display:flex;gap:.5rem;align-items:center;flex-wrap:wrap}.feed-search input{flex:1;min-width:10rem;padding:.45rem;border:1px solid var(--line);border-radius:6px}
        .reactions{display:flex;flex-wrap:wrap;gap:.4rem;margin-top:1rem}.reactions button{background:var(--card);color:var(--ink);border:1px solid var(--line)}
        .reactions button[aria-pressed=true]{border-color:var(--brand);font-weight:700}.ack{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:1rem}
        .visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
        .chart{margin:1rem 0}.chart>svg{display:block;width:100%;height:auto;font-size:12px}.chart .no-data{font-style:italic}
        .chart figcaption{font-weight:600;margin-top:.3rem}.chart-legend{list-style:none;display:flex;flex-wrap:wrap;gap:.2rem 1rem;margin:.2rem 0 0;padding:0;font-weight:400;font-size:.9rem}
        .chart-legend svg{vertical-align:middle;margin-right:.35rem}
        """

    /// Progressive enhancement only: pages work without it.
    public static let javascript = """
        document.addEventListener('submit', function (event) {
          var message = event.target.getAttribute('data-confirm');
          if (message && !window.confirm(message)) { event.preventDefault(); }
        });
        """ + ruleBuilder + calendarDrag + postReach + liveRegions + signageRotation + engagementBeacons + shareButtons

    /// Signage screens: one slide at a time, the next every `data-rotate` seconds. Without
    /// JavaScript the slides stand one under another.
    static let signageRotation = #"""
        (function () {
          var deck = document.querySelector('.slides[data-rotate]');
          if (!deck) { return; }
          var slides = deck.querySelectorAll('.slide'), current = 0;
          deck.classList.add('rotating');
          slides[0].classList.add('shown');
          if (slides.length < 2) { return; }
          setInterval(function () {
            slides[current].classList.remove('shown');
            current = (current + 1) % slides.length;
            slides[current].classList.add('shown');
            deck.setAttribute('data-current', String(current));
          }, Math.max(5, parseInt(deck.getAttribute('data-rotate'), 10) || 15) * 1000);
        })();
        """#

    /// `data-live="SECONDS"` on an element with an id: the element is replaced by the same
    /// element of a fresh copy of the page every SECONDS (the acknowledgement board). Without
    /// JavaScript the page's Refresh link does the same.
    static let liveRegions = #"""
        (function () {
          Array.prototype.forEach.call(document.querySelectorAll('[data-live][id]'), function (region) {
            var seconds = Math.max(5, parseInt(region.getAttribute('data-live'), 10) || 15);
            setInterval(function () {
              if (document.hidden) { return; }
              fetch(window.location.href, { credentials: 'same-origin', headers: { 'Accept': 'text/html' } })
                .then(function (response) { return response.ok ? response.text() : null; })
                .then(function (html) {
                  if (!html) { return; }
                  var fresh = new DOMParser().parseFromString(html, 'text/html').getElementById(region.id);
                  if (fresh) { region.innerHTML = fresh.innerHTML; region.setAttribute('data-updated', new Date().toISOString()); }
                })
                .catch(function () {});
            }, seconds * 1000);
          });
        })();
        """#

    /// The post editor's reach card: refreshed from /api/v1/reach when audiences or channels change.
    static let postReach = #"""
        (function () {
          var form = document.querySelector('form.post-editor');
          var region = document.getElementById('post-reach');
          if (!form || !region) { return; }
          var timer = null, sequence = 0;
          function checked(name) {
            return Array.prototype.map.call(form.querySelectorAll('input[name=' + name + ']:checked'), function (box) { return box.value; });
          }
          function cell(tag, value) { var node = document.createElement(tag); node.textContent = value; return node; }
          var titles = { feed: 'Feed', email: 'Email', chat: 'Chat', sms: 'SMS', social: 'External social' };
          function show(data, error) {
            var nodes = [cell('h2', 'Reach')];
            if (error) {
              var p = cell('p', error); p.className = 'field-error'; nodes.push(p);
            } else {
              var summary = cell('p', 'Audience: ' + data.total.display + '. Reached by the chosen channels: ' + data.reachable.display + '; not reached: ' + data.unreachable.display + '.');
              summary.setAttribute('data-reach-summary', ''); nodes.push(summary);
              var wrap = document.createElement('div'); wrap.className = 'table-wrap';
              var t = document.createElement('table'); t.appendChild(cell('caption', 'Reach per channel'));
              var head = document.createElement('tr'); ['Channel', 'Sent on it', 'Reaches', 'Who'].forEach(function (h) { head.appendChild(cell('th', h)); });
              t.appendChild(head);
              data.channels.forEach(function (line) {
                var tr = document.createElement('tr');
                [titles[line.channel] || line.channel, line.selected ? 'yes' : 'no', line.display, line.note].forEach(function (v) { tr.appendChild(cell('td', v)); });
                t.appendChild(tr);
              });
              wrap.appendChild(t); nodes.push(wrap);
              if (data.suppressed) { var s = cell('p', 'Counts for groups this small are hidden; HR sees them.'); s.className = 'hint'; nodes.push(s); }
            }
            region.replaceChildren.apply(region, nodes);
          }
          function refresh() {
            clearTimeout(timer);
            timer = setTimeout(function () {
              var mine = ++sequence, query = [];
              var include = checked('include'), exclude = checked('exclude'), channels = checked('channels');
              if (include.length) { query.push('include=' + include.join(',')); }
              if (exclude.length) { query.push('exclude=' + exclude.join(',')); }
              if (!channels.length) { show(null, 'Choose at least one channel.'); return; }
              query.push('channels=' + channels.join(','));
              fetch('/api/v1/reach?' + query.join('&'), { headers: { Accept: 'application/json' } })
                .then(function (response) { return response.json().then(function (body) { return [response.ok, body]; }); })
                .then(function (result) {
                  if (mine !== sequence) { return; }
                  if (!result[0]) { show(null, (result[1].error && result[1].error.message) || 'Reach could not be counted.'); return; }
                  show(result[1]);
                })
                .catch(function () { if (mine === sequence) { show(null, 'Reach could not be counted: the server did not answer.'); } });
            }, 250);
          }
          form.addEventListener('change', function (event) {
            var name = event.target.getAttribute('name');
            if (name === 'include' || name === 'exclude' || name === 'channels') { refresh(); }
          });
        })();
        """#

    /// Drag a scheduled post to another day: fills the hidden move form with the new date at
    /// the same time of day and submits it. Without it, the week view's forms do the same.
    static let calendarDrag = #"""
        (function () {
          var form = document.getElementById('calendar-move');
          if (!form) { return; }
          var dragged = null;
          function day(event) { return event.target && event.target.closest ? event.target.closest('[data-date]') : null; }
          document.addEventListener('dragstart', function (event) {
            var item = event.target && event.target.closest ? event.target.closest('li.entry[draggable=true]') : null;
            if (!item) { return; }
            dragged = item;
            event.dataTransfer.effectAllowed = 'move';
            event.dataTransfer.setData('text/plain', item.getAttribute('data-post'));
          });
          document.addEventListener('dragover', function (event) { if (dragged && day(event)) { event.preventDefault(); } });
          document.addEventListener('dragenter', function (event) { var d = day(event); if (dragged && d) { d.classList.add('drop-target'); } });
          document.addEventListener('dragleave', function (event) {
            var d = day(event);
            if (d && !d.contains(event.relatedTarget)) { d.classList.remove('drop-target'); }
          });
          document.addEventListener('dragend', function () { dragged = null; });
          document.addEventListener('drop', function (event) {
            var d = day(event);
            if (!dragged || !d) { return; }
            event.preventDefault();
            d.classList.remove('drop-target');
            var from = dragged.closest('[data-date]');
            if (from === d) { dragged = null; return; }
            form.elements['post_id'].value = dragged.getAttribute('data-post');
            form.elements['version'].value = dragged.getAttribute('data-version');
            form.elements['publish_at'].value = d.getAttribute('data-date') + 'T' + dragged.getAttribute('data-time');
            form.elements['time_zone'].value = dragged.getAttribute('data-zone');
            dragged = null;
            form.submit();
          });
        })();
        """#

    /// The audience rule builder: keeps the rows and the rule text in sync and refreshes the
    /// live count from /api/v1/audiences/preview as either changes. Without it the form still
    /// works through its Preview / Add condition buttons.
    static let ruleBuilder = #"""
        (function () {
          var form = document.getElementById('audience-form');
          var list = form && form.querySelector('#rule-builder ol.conditions');
          var text = form && document.getElementById('f-rule');
          if (!list || !text) { return; }
          var last = form.querySelector('input[name=last_rule]');
          var match = document.getElementById('f-match');
          var region = document.getElementById('audience-preview');
          var timer = null, sequence = 0;
          var noValue = ['is empty', 'is not empty', 'is true', 'is false'];
          function quote(v) { return '"' + v.replace(/\\/g, '\\\\').replace(/"/g, '\\"') + '"'; }
          function kindOf(select) { var o = select.options[select.selectedIndex]; return o ? o.getAttribute('data-kind') : 'text'; }
          function literal(v, kind) { return kind === 'text' ? quote(v) : (v === '' ? '""' : v); }
          function conditionText(row) {
            var selects = row.querySelectorAll('select'), field = selects[0].value, op = selects[1].value, kind = kindOf(selects[0]);
            var input = row.querySelector('input[name=value]'), value = input.value.trim();
            input.setAttribute('list', kind === 'audience' ? 'audience-names' : '');
            if (noValue.indexOf(op) < 0 && value === '') { return null; }
            if (kind === 'audience') { return (op === 'not in' ? 'not ' : '') + 'in audience ' + quote(value); }
            if (op === 'is true') { return field; }
            if (op === 'is false') { return 'not ' + field; }
            if (noValue.indexOf(op) >= 0) { return field + ' ' + op; }
            if (op === 'in' || op === 'not in') {
              return field + ' ' + op + ' (' + value.split(',').map(function (p) { return literal(p.trim(), kind); }).join(', ') + ')';
            }
            if (op === 'contains' || op === 'starts with') { return field + ' ' + op + ' ' + quote(value); }
            return field + ' ' + op + ' ' + literal(value, kind);
          }
          function builderText() {
            var parts = [];
            list.querySelectorAll('li.condition').forEach(function (row) { var t = conditionText(row); if (t) { parts.push(t); } });
            var joiner = match.value === 'any' ? ' or ' : ' and ';
            return parts.map(function (p) { return parts.length > 1 && (p.indexOf(' or ') >= 0 || p.indexOf(' and ') >= 0) ? '(' + p + ')' : p; }).join(joiner);
          }
          function setRows(builder) {
            var template = list.querySelector('li.condition');
            if (!template) { return; }
            var rows = builder.conditions.map(function (c, i) {
              var row = template.cloneNode(true);
              var parts = [['select', 'field'], ['select', 'op'], ['input', 'value']];
              parts.forEach(function (p, k) {
                var control = row.querySelectorAll(p[0])[p[0] === 'select' ? k : 0];
                var id = 'c' + i + '-' + p[1];
                control.id = id;
                row.querySelectorAll('label')[k].setAttribute('for', id);
                control.value = c[p[1]];
              });
              var remove = row.querySelector('button');
              remove.value = 'remove-' + i;
              remove.setAttribute('aria-label', 'Remove condition ' + (i + 1));
              return row;
            });
            list.replaceChildren.apply(list, rows);
            match.value = builder.match;
          }
          function cell(tag, value) { var node = document.createElement(tag); node.textContent = value; return node; }
          function table(caption, headers, rows) {
            var wrap = document.createElement('div'); wrap.className = 'table-wrap';
            var t = document.createElement('table'); t.appendChild(cell('caption', caption));
            var head = document.createElement('tr'); headers.forEach(function (h) { head.appendChild(cell('th', h)); });
            t.appendChild(head);
            rows.forEach(function (r) { var tr = document.createElement('tr'); r.forEach(function (v) { tr.appendChild(cell('td', v)); }); t.appendChild(tr); });
            wrap.appendChild(t); return wrap;
          }
          function show(data, error) {
            var nodes = [cell('h2', 'Who this selects')];
            if (error) {
              var p = cell('p', error); p.className = 'field-error'; p.setAttribute('data-preview-error', ''); nodes.push(p);
            } else {
              var count = cell('p', data.display); count.className = 'stat'; count.setAttribute('data-preview-count', ''); nodes.push(count);
              var grid = document.createElement('div'); grid.className = 'grid';
              ['country', 'department', 'worker_type'].forEach(function (column) {
                var label = column.replace('_', ' ');
                grid.appendChild(table('By ' + label, [label, 'People'], (data.breakdown[column] || []).slice(0, 12).map(function (c) {
                  return [c.value, c.count === null || c.count === undefined ? 'fewer than 5' : String(c.count)];
                })));
              });
              nodes.push(grid);
              if (data.sample) {
                nodes.push(table('Some of the people it selects', ['Name', 'Job', 'Department', 'Country'], data.sample.map(function (s) {
                  return [s.name, s.job_title || '—', s.department || '—', s.country];
                })));
              } else if (data.sample_note) { var note = cell('p', data.sample_note); note.className = 'hint'; nodes.push(note); }
            }
            region.replaceChildren.apply(region, nodes);
          }
          function refresh(fromText) {
            clearTimeout(timer);
            timer = setTimeout(function () {
              var rule = text.value.trim(), mine = ++sequence;
              if (!rule) { show(null, 'Add a condition to see who it selects.'); return; }
              fetch('/api/v1/audiences/preview?rule=' + encodeURIComponent(rule), { headers: { Accept: 'application/json' } })
                .then(function (response) { return response.json().then(function (body) { return [response.ok, body]; }); })
                .then(function (result) {
                  if (mine !== sequence) { return; }
                  if (!result[0]) { show(null, (result[1].error && result[1].error.message) || 'The rule could not be counted.'); return; }
                  if (fromText && result[1].builder) { setRows(result[1].builder); last.value = text.value; }
                  show(result[1], null);
                })
                .catch(function () { if (mine === sequence) { show(null, 'Could not reach Tandem to count. Use the Preview button.'); } });
            }, 350);
          }
          function fromBuilder() { text.value = builderText(); last.value = text.value; refresh(false); }
          list.addEventListener('input', fromBuilder);
          list.addEventListener('change', fromBuilder);
          match.addEventListener('change', fromBuilder);
          text.addEventListener('input', function () { refresh(true); });
          if (text.value.trim()) { refresh(false); }
        })();
        """#
}
