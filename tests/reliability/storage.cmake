# (filled in by the storage suite)
