# tests for orchestrator
