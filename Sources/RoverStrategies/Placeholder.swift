// RoverStrategies: see ARCHITECTURE layout.
