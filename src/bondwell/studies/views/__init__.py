"""Views of the studies capability: thin, typed, each opening its study or mother through the access layer."""
