"""The intake screens: situations, the merged form, the merged checklist, the decision."""
