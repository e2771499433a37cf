"""Where per-file work runs when it leaves this process: `ray_executor` spreads it over a Ray cluster."""
