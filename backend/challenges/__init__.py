"""揭榜挂帅: open technology challenges, proposals, selection, awards and milestones."""
