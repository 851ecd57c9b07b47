"""Pure statistics for Bondwell: effect sizes, meta-analysis, trial analysis and power.

No Django import is allowed anywhere below this package: it takes plain arrays or data frames and returns
frozen result objects, each checked against R on the same data.
"""
