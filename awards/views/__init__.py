"""Blueprints, one per audience: auth, public, judging, institutions, admin, errors."""
