"""The test stage's engine: the environment the tests need, the command, reading JUnit and coverage."""
