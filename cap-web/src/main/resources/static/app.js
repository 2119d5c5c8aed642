// The web app's only script: the CSRF header for htmx and fetch, and the series viewer.
(function () {
  'use strict';
  var meta = document.querySelector('meta[name="csrf-token"]');
  var csrf = meta ? meta.getAttribute('content') : '';
  document.addEventListener('htmx:configRequest', function (e) { e.detail.headers['X-CSRF-Token'] = csrf; });
  document.addEventListener('htmx:responseError', function (e) {
    alert('The request failed: ' + (e.detail.xhr.responseText || e.detail.xhr.status));
  });

  window.capApi = function (method, url, body) {
    var opts = { method: method, headers: { 'Accept': 'application/json', 'X-CSRF-Token': csrf }, credentials: 'same-origin' };
    if (body !== undefined) { opts.headers['Content-Type'] = 'application/json'; opts.body = JSON.stringify(body); }
    return fetch(url, opts).then(function (r) {
      if (r.status === 204) { return null; }
      return r.json().then(function (j) { if (!r.ok) { throw new Error(j.error || ('HTTP ' + r.status)); } return j; });
    });
  };

  function viewer(root) {
    var study = root.getAttribute('data-study'), series = root.getAttribute('data-series');
    var img = document.getElementById('view'), err = document.getElementById('view-error');
    var slider = document.getElementById('image-slider'), frameSlider = document.getElementById('frame-slider');
    var wc = document.getElementById('wc'), ww = document.getElementById('ww');
    var instances = [], index = 0, frame = 1, timer = null;
    function src() {
      var i = instances[index];
      var u = '/dicom-web/studies/' + study + '/series/' + series + '/instances/' + i.sopUid + '/frames/' + frame + '/rendered?viewport=512,512';
      if (wc.value !== '' && ww.value !== '') { u += '&window=' + encodeURIComponent(wc.value + ',' + ww.value + ',linear'); }
      return u;
    }
    function show() {
      if (!instances.length) { return; }
      var i = instances[index];
      frame = Math.min(frame, i.frames);
      slider.value = index + 1; document.getElementById('image-label').textContent = index + 1;
      frameSlider.max = i.frames; frameSlider.value = frame;
      document.getElementById('frame-label').textContent = frame;
      document.getElementById('frame-count').textContent = i.frames;
      img.src = src();
    }
    img.addEventListener('error', function () {
      fetch(img.src, { credentials: 'same-origin' }).then(function (r) { return r.text(); }).then(function (t) {
        err.textContent = 'This image cannot be shown: ' + t; err.hidden = false;
      });
    });
    img.addEventListener('load', function () { err.hidden = true; });
    slider.addEventListener('input', function () { index = slider.value - 1; show(); });
    frameSlider.addEventListener('input', function () { frame = +frameSlider.value; show(); });
    wc.addEventListener('change', show); ww.addEventListener('change', show);
    document.getElementById('wl-auto').addEventListener('click', function () { wc.value = ''; ww.value = ''; show(); });
    document.getElementById('play').addEventListener('click', function (e) {
      if (timer) { clearInterval(timer); timer = null; e.target.textContent = 'Play'; return; }
      e.target.textContent = 'Stop';
      timer = setInterval(function () {
        var i = instances[index];
        if (i.frames > 1) { frame = frame % i.frames + 1; } else { index = (index + 1) % instances.length; }
        show();
      }, 120);
    });
    document.addEventListener('keydown', function (e) {
      if (e.target.tagName === 'INPUT') { return; }
      if (e.key === 'ArrowRight' && index < instances.length - 1) { index++; show(); e.preventDefault(); }
      if (e.key === 'ArrowLeft' && index > 0) { index--; show(); e.preventDefault(); }
      if (e.key === 'ArrowUp' && frame < instances[index].frames) { frame++; show(); e.preventDefault(); }
      if (e.key === 'ArrowDown' && frame > 1) { frame--; show(); e.preventDefault(); }
    });
    // window/level by dragging: right for a wider window, down for a higher center
    var drag = null;
    img.addEventListener('mousedown', function (e) {
      drag = { x: e.clientX, y: e.clientY, c: wc.value === '' ? 500 : +wc.value, w: ww.value === '' ? 1000 : +ww.value };
      e.preventDefault();
    });
    document.addEventListener('mouseup', function (e) {
      if (!drag) { return; }
      var w = Math.max(1, Math.round(drag.w + (e.clientX - drag.x) * 4));
      var c = Math.round(drag.c + (e.clientY - drag.y) * 2);
      drag = null;
      if (w !== +ww.value || c !== +wc.value) { ww.value = w; wc.value = c; show(); }
    });
    window.capApi('GET', '/api/studies/' + study + '/series/' + series + '/instances').then(function (list) {
      instances = list; slider.max = list.length; show();
    }).catch(function (e) { err.textContent = e.message; err.hidden = false; });
  }

  // an axis label of a byte count: 1.5 MiB, not 1,572,864 (which the axis cuts)
  function bytes(v) {
    if (v == null) { return ''; }
    var units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    var i = 0;
    while (Math.abs(v) >= 1024 && i < units.length - 1) { v /= 1024; i++; }
    return (i === 0 ? v : v.toFixed(1)) + ' ' + units[i];
  }

  // the dashboard's plots: stores, bytes and failures per hour from /api/admin/status
  function charts() {
    window.capApi('GET', '/api/admin/status').then(function (s) {
      var h = s.hours;
      document.querySelectorAll('.chart').forEach(function (el) {
        var name = el.getAttribute('data-series');
        var opts = { title: el.getAttribute('data-label') + ' per hour', width: Math.min(640, el.parentNode.clientWidth || 640), height: 160,
          series: [{}, { label: el.getAttribute('data-label'), stroke: name === 'failures' ? '#a33' : '#1f5f99', fill: name === 'failures' ? '#a332' : '#1f5f9922', paths: window.uPlot.paths.stepped({ align: 1 }) }],
          axes: [{}, name === 'bytes' ? { size: 70, values: function (u, vals) { return vals.map(bytes); } } : { size: 60 }] };
        new window.uPlot(opts, [h.hour, h[name]], el);
        el.setAttribute('data-total', h[name].reduce(function (a, b) { return a + b; }, 0));
      });
      document.body.setAttribute('data-charts', 'drawn');
    }).catch(function (e) { var x = document.getElementById('chart-error'); x.textContent = e.message; x.hidden = false; });
  }

  document.addEventListener('DOMContentLoaded', function () {
    var v = document.getElementById('viewer');
    if (v) { viewer(v); }
    if (document.querySelector('.chart')) {
      if (window.uPlot) { charts(); } else { window.addEventListener('load', charts); }
    }
  });
})();
