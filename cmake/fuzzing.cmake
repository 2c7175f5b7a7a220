# libFuzzer build (GRASSROOTS_FUZZ): filled in by the fuzzing work.
