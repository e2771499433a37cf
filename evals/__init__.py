"""docai.evals"""
