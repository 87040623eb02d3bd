"""Retrospectives: boards, cards, grouping, dot votes, at most three owned actions, themes."""
