"""Pages for everyone, no sign-in: home, the measures and their calculators, public notice lists and objections,
"is this notice genuine?", and the service health check."""
