"""Reports for programme managers and union admins (SPEC §6 "Reports"): counts only, never people."""
