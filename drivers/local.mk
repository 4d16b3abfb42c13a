# drivers: sources of this layer
