// Steward's web UI: draws the charts whose ECharts option a page carries in data-echarts, on load
// and after every htmx swap, and keeps a followed log scrolled to its end. No inline script is
// needed anywhere (the pages' Content-Security-Policy allows none).
(function () {
  'use strict';
  var charts = [];

  function draw(root) {
    if (typeof echarts === 'undefined') {
      return;
    }
    var nodes = root.querySelectorAll ? root.querySelectorAll('[data-echarts]') : [];
    Array.prototype.forEach.call(nodes, function (node) {
      if (node.getAttribute('data-drawn') === 'true') {
        return;
      }
      var option = JSON.parse(node.getAttribute('data-echarts'));
      var chart = echarts.init(node, null, { renderer: 'canvas' });
      chart.setOption(option);
      // A node or bar that names a page of the UI opens it (the lineage graph's nodes).
      chart.on('click', function (params) {
        var link = params.data && params.data.link;
        if (typeof link === 'string' && link.indexOf('/ui/') === 0) {
          window.location.assign(link);
        }
      });
      node.setAttribute('data-drawn', 'true');
      charts.push(chart);
    });
  }

  function followLog(event) {
    var log = document.getElementById('job-log');
    if (log && (!event || event.detail && event.detail.target && event.detail.target.id === 'log-state')) {
      log.scrollTop = log.scrollHeight;
    }
  }

  document.addEventListener('DOMContentLoaded', function () {
    draw(document);
    followLog();
  });
  document.addEventListener('htmx:afterSettle', function (event) {
    draw(event.target);
    followLog(event);
  });
  window.addEventListener('resize', function () {
    charts.forEach(function (chart) { chart.resize(); });
  });
}());
