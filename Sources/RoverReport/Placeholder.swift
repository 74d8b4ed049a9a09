// RoverReport: see ARCHITECTURE layout.
