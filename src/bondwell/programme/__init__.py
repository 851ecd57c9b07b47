"""The massage programme: courses and classes, routine content, guided home practice and its record."""
