"""callersim: talk to an AI customer to rehearse and test IVRs, phone bots and voice agents."""

__version__ = "0.1.0"
