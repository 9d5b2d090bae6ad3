"""The enterprise side of the portal: sign-up, applications (one topic per page), offers and "my applications"."""
