"""The enterprise side of the portal: sign-up, applications (one topic per page), offers, claims, "my applications"
and the notices to download."""
