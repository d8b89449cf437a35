"""Emergency cover: replacement care booked from a provider for an accepted incident, within
the cover limit, until it ends with an outcome."""
