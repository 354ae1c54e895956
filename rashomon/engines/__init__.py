"""Engines that run the analysis: local (this machine, ``rashomon.pipeline``) and Spark."""
