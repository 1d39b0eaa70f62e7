// Package dashboard serves srs-p2p's live dashboard at GET /: one HTML page
// whose scripts, styles and icon are embedded in the binary and served under
// /dashboard/assets/. The page loads nothing from the internet; it polls the
// JSON API (/api/v1/streams, /api/v1/streams/{app}/{name},
// /api/v1/versions) every 2 s and draws its own SVG charts.
//
// Every response carries a strict Content-Security-Policy (no inline script
// or style, connections only to the same origin) and nosniff. Assets are
// served with an ETag and "Cache-Control: no-cache": their URLs are not
// versioned, so a browser revalidates them (a cheap 304) instead of running
// old scripts after an upgrade.
//
// Every number the page renders carries data-stream, data-field, data-value
// and data-type attributes holding the raw API value, and every chart
// carries data-chart, data-stream and data-points, so tests compare the page
// with the API without parsing formatted text.
package dashboard
