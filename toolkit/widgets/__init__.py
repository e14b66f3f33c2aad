"""ipywidgets front-ends for analysts: the duplicate explorer and the maturity questionnaire."""
