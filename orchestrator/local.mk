# orchestrator: sources of this layer
