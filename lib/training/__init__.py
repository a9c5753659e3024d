"""Training: the catalogue (data/training), the learner's academy, certification and assignments."""
