# tests for drivers
