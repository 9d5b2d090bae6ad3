"""The residents' side of the portal: their accounts, the resident journey (clause （九）), "my services", their
claims and their uploads."""
