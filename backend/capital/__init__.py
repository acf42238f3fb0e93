"""The capital chain (资金链): investors' mandates, financing requests, the investor feed,
interest and outcomes. Roadshows and statistics are still to come (issue 23)."""
