"""docai.webui"""
