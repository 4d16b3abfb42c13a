# worker: sources of this layer
