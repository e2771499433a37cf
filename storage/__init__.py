"""docai.storage"""
