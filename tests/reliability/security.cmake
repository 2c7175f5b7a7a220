# (filled in by the security suite)
