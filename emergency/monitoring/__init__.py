"""What operations watch: Prometheus metrics."""
