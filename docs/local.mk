# docs: sources of this layer
