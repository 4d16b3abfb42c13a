# config: sources of this layer
