# (filled in by the soak suite)
