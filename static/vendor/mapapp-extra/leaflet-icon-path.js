/* set Leaflet's default marker image folder relative to this file */
(function () {
  var s = document.currentScript;
  if (window.L && s && s.src) {
    L.Icon.Default.imagePath = new URL('../leaflet@1.9.4/dist/images/', s.src).href;
  }
})();
