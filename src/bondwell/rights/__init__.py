"""A mother's data rights: download all her data, erasure on request, and retention periods per record type."""
