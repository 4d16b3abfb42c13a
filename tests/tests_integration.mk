# tests for integration
