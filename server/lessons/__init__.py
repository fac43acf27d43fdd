"""The course's lessons: the Experiments menu (plain data the catalog publishes) and, for the
tests and benches only, their rehearsal and the measures their promises bound."""
