"""Running requests: plan (the exact requests a definition stands for), submit, recording
and drift."""
