# (filled in by the crash suite)
