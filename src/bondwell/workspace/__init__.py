"""The staff workspace: the mother's record as the hub (patient banner, record page, searchable list) and
educators' concerns about a mother, which reach the clinicians' queue beside the risk alerts."""
