"""The resident journey's pages (clause (九)): my services, unemployment registration, recognition, evidence."""
