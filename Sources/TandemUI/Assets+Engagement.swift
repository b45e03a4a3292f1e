extension Assets {
    /// "Share with a colleague": the system share sheet where there is one, else the link is
    /// copied; either way a `share` beacon is counted for the post. Without a way to share, the
    /// link is shown to copy by hand and nothing is counted.
    static let shareButtons = #"""
        (function () {
          Array.prototype.forEach.call(document.querySelectorAll('[data-share]'), function (button) {
            button.hidden = false;
            var status = button.parentNode.querySelector('.share-status');
            function counted(message) {
              if (status) { status.textContent = message; }
              var id = (Date.now().toString(36) + Math.random().toString(36).slice(2, 12)).replace(/[^a-z0-9]/g, '');
              var body = JSON.stringify({ events: [{ token: button.getAttribute('data-share-token'), type: 'share', id: id }] });
              fetch('/api/v1/events', { method: 'POST', body: body, credentials: 'same-origin', headers: { 'Content-Type': 'application/json' } }).catch(function () {});
            }
            button.addEventListener('click', function () {
              var url = new URL(button.getAttribute('data-share'), window.location.href).href;
              if (navigator.share) {
                navigator.share({ title: button.getAttribute('data-share-title'), url: url }).then(function () { counted('Shared.'); }, function () {});
              } else if (navigator.clipboard && navigator.clipboard.writeText) {
                navigator.clipboard.writeText(url).then(function () { counted('Link copied: paste it to a colleague.'); },
                                                        function () { if (status) { status.textContent = 'Copy this link: ' + url; } });
              } else if (status) {
                status.textContent = 'Copy this link: ' + url;
              }
            });
          });
        })();
        """#

    /// Feed cards and posts with `data-ev` (a signed token) report when they are on screen and
    /// for how long (dwell), as beacons to /api/v1/events. A view is sent once per page; the
    /// dwell so far is sent when the page is hidden or left, with an id per report so a retried
    /// beacon counts once. Tandem sorts dwell into glanced (< 3 s), skimmed (3–8 s) and read (> 8 s).
    static let engagementBeacons = #"""
        (function () {
          var items = document.querySelectorAll('[data-ev]');
          if (!items.length || !('IntersectionObserver' in window)) { return; }
          var queue = [], states = [];
          function id() { return (Date.now().toString(36) + Math.random().toString(36).slice(2, 12)).replace(/[^a-z0-9]/g, ''); }
          function send() {
            while (queue.length) {
              var body = JSON.stringify({ events: queue.splice(0, 100) });
              var sent = false;
              try { sent = navigator.sendBeacon && navigator.sendBeacon('/api/v1/events', new Blob([body], { type: 'application/json' })); } catch (e) { sent = false; }
              if (!sent) { fetch('/api/v1/events', { method: 'POST', body: body, keepalive: true, credentials: 'same-origin', headers: { 'Content-Type': 'application/json' } }).catch(function () {}); }
            }
          }
          function settle(state, now) { if (state.since) { state.dwell += now - state.since; state.since = now; } }
          function report() {
            var now = Date.now();
            states.forEach(function (state) {
              settle(state, now);
              if (state.dwell > state.reported) {
                state.reported = state.dwell;
                queue.push({ token: state.token, type: 'dwell', id: id(), dwell_ms: Math.round(state.dwell) });
              }
            });
            send();
          }
          var observer = new IntersectionObserver(function (entries) {
            var now = Date.now();
            entries.forEach(function (entry) {
              var state = states[entry.target.getAttribute('data-ev-index')];
              var seen = entry.isIntersecting && entry.intersectionRect.height >= Math.min(entry.boundingClientRect.height, window.innerHeight) * 0.5;
              state.seen = seen;
              if (seen && !state.since) {
                state.since = now;
                if (!state.viewed) { state.viewed = true; queue.push({ token: state.token, type: 'view', id: id() }); }
              } else if (!seen && state.since) {
                settle(state, now);
                state.since = 0;
              }
            });
            if (queue.length) { setTimeout(send, 1000); }
          }, { threshold: [0, 0.25, 0.5, 0.75, 1] });
          Array.prototype.forEach.call(items, function (item, index) {
            item.setAttribute('data-ev-index', String(index));
            states.push({ token: item.getAttribute('data-ev'), since: 0, dwell: 0, reported: 0, viewed: false, seen: false });
            observer.observe(item);
          });
          document.addEventListener('visibilitychange', function () {
            if (document.hidden) { report(); states.forEach(function (state) { state.since = 0; }); }
            else { var now = Date.now(); states.forEach(function (state) { if (state.seen) { state.since = now; } }); }
          });
          window.addEventListener('pagehide', report);
        })();
        """#
}
