// gongfu's pages work without JavaScript; where it runs, this adds two conveniences.
// Served from the binary as /static/app.js: the Content-Security-Policy allows no
// inline script.

// /nearby: fill in the browser's position (WGS84) and search from it.
(function () {
  var b = document.getElementById('locate');
  if (!b || !navigator.geolocation) return;
  b.hidden = false;
  b.addEventListener('click', function () {
    b.textContent = '正在定位…';
    navigator.geolocation.getCurrentPosition(function (pos) {
      document.getElementById('lat').value = pos.coords.latitude.toFixed(6);
      document.getElementById('lng').value = pos.coords.longitude.toFixed(6);
      document.getElementById('community').value = '';
      document.getElementById('nearby-form').submit();
    }, function () { b.textContent = '定位失败，请选择社区'; });
  });
  document.getElementById('community').addEventListener('change', function () {
    document.getElementById('lat').value = '';
    document.getElementById('lng').value = '';
  });
})();

// Forms that remove something ask first: <form data-confirm="确定删除该标准？">.
document.addEventListener('submit', function (e) {
  var q = e.target.getAttribute && e.target.getAttribute('data-confirm');
  if (q && !window.confirm(q)) e.preventDefault();
});
