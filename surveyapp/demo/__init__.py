"""Demo: the fictional organisations, people, rounds, answers and plans of `surveyapp demo`.

Every name in it is invented. May import surveyapp.plans and the packages below it.
"""
