"""Evidence: published studies (shipped with citations) and the living meta-analysis pages.

`bondwell.evidence.data` is pure (no Django) so that the shipped evidence can be loaded and checked anywhere.
"""
