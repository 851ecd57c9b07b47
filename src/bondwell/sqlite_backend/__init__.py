"""Django's SQLite backend with one queue per process for write transactions (issue 18); see base.py."""
