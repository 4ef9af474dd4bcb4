// The live view: the account's events over its SSE stream, newest first, the last 100 kept.
// The stream authenticates with the portal's session cookie (same site), so no key is in the page.
(function () {
  'use strict';
  var KEPT = 100;
  var list = document.getElementById('live-events');
  var state = document.getElementById('live-state');
  var source = new EventSource('/events/stream');

  function show(event) {
    var envelope;
    try { envelope = JSON.parse(event.data); } catch (e) { envelope = {}; }
    var item = document.createElement('li');
    var type = document.createElement('code');
    type.textContent = event.type;
    var time = document.createElement('time');
    time.textContent = envelope.timestamp || '';
    if (envelope.timestamp) { time.setAttribute('datetime', envelope.timestamp); }
    var subject = document.createElement('span');
    subject.className = 'muted';
    subject.textContent = (envelope.subject || '') + ' · #' + event.lastEventId;
    var data = document.createElement('pre');
    data.textContent = JSON.stringify(envelope.data === undefined ? envelope : envelope.data, null, 2);
    item.append(type, ' ', time, ' ', subject, data);
    list.insertBefore(item, list.firstChild);
    while (list.children.length > KEPT) { list.removeChild(list.lastChild); }
  }

  // A named SSE event reaches only listeners of its name: listen for every type of the catalogue
  (list.dataset.types || '').split(' ').filter(Boolean).forEach(function (type) {
    source.addEventListener(type, show);
  });
  source.onmessage = show;
  source.onopen = function () { state.textContent = 'Connected: new events appear below.'; };
  source.onerror = function () { state.textContent = 'Disconnected; reconnecting…'; };
}());
