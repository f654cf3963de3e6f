"""Business rules, one module per domain; views call these and never the database directly."""
