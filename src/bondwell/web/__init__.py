"""Base templates, static files (HTMX vendored, no CDN), navigation and role home pages."""
