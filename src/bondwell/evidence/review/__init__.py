"""The systematic-review workflow's rules, with no models or requests (only Django's
translation, for the words people read); one file per rule set.

citations: reading RIS, PubMed MEDLINE (.nbib) and CSV search results; dedupe: duplicates by DOI, then fuzzy
title/year/first author; screening: what two independent decisions (and a resolution) mean for a record;
rob2 and robins_i: risk-of-bias judgements from signalling answers; prisma: the PRISMA 2020 flow counts and
diagram; grade: certainty of the evidence; versions: what changed between published versions, and the
downloads (CSV with sources, the R script).
"""
