"""The emulated load balancer: the ALB test listener, its side of an exchange with the target, rules, TLS."""
