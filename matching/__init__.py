"""The matching engine: explainable scores and ranked shortlists."""
