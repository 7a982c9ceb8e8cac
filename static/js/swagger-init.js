// Starts Swagger UI on /docs from the pinned copy in static/vendor/ (no inline script: the page's
// Content-Security-Policy forbids it). The OpenAPI URL comes from the container's data attribute.
const root = document.getElementById("swagger-ui");
window.SwaggerUIBundle({
  url: root.dataset.openapiUrl,
  dom_id: "#swagger-ui",
  layout: "BaseLayout",
  deepLinking: true,
  showExtensions: true,
  showCommonExtensions: true,
  presets: [window.SwaggerUIBundle.presets.apis, window.SwaggerUIBundle.SwaggerUIStandalonePreset],
});
