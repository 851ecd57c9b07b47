"""Security rules shared by every capability: text safe for PDFs, charts and spreadsheets; response headers."""
