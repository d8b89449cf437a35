"""Care providers: the home-care agencies the council commissions for emergency cover."""
