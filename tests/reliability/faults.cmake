# (filled in by the faults suite)
