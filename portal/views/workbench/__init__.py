"""The back office (caseworkers, officers, auditors): queue and cases, review details per kind, registry, public
notice lists, notices that could not be made, loans, parameters, incubators and the dashboard."""
