"""Detection engines (filter patterns, metric filters, alarms, EventBridge) and the grader built on them."""
